package seq2seq

import (
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

func mathorModel(t testing.TB) *EncoderDecoder {
	t.Helper()
	m, err := NewMathor()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMakeData(t *testing.T) {
	m := mathorModel(t)
	b, err := m.MakeData(MathorPairs)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]int{"EncIn": {6, 6, 29}, "DecIn": {6, 6, 29}, "DecOut": {6, 6}} {
		got := map[string]*tensors.Tensor{"EncIn": b.EncIn, "DecIn": b.DecIn, "DecOut": b.DecOut}[name].Shape().Dimensions
		if !slices.Equal(got, want) {
			t.Errorf("%s shape %v, want %v", name, got, want)
		}
	}
	// girl → boy: decoder target "boy??E" as indices.
	out := tensors.MustCopyFlatData[int32](b.DecOut)
	want := []int32{4, 17, 27, 2, 2, 1} // b o y ? ? E
	for i, w := range want {
		if out[3*6+i] != w {
			t.Fatalf("decoder target of girl→boy = %v, want %v (boy??E)", out[18:24], want)
		}
	}
	// Encoder input of "man": m a n ? ? E, one-hot.
	enc := tensors.MustCopyFlatData[float32](b.EncIn)
	for step, c := range "man??E" {
		idx, _ := m.Vocab.Index(c)
		if enc[step*29+idx] != 1 {
			t.Errorf("encoder input of man, step %d: no 1 at %q", step, c)
		}
	}
}

func TestEncoderDecoderErrors(t *testing.T) {
	m := mathorModel(t)
	for _, tc := range []struct {
		pairs []Pair
		want  string
	}{
		{[]Pair{{"elephant", "mouse"}}, `pair 0 source: seq2seq: word "elephant" has 8 characters, more than n_step=5`},
		{[]Pair{{"man", "women"}, {"girl", "boy!"}}, `pair 1 target: seq2seq: character '!' at position 3 of "boy!"`},
		{[]Pair{{"man", "woman!"}}, `pair 0 target: seq2seq: word "woman!" has 6 characters`},
		{[]Pair{{"Man", "women"}}, `character 'M' at position 0 of "Man" is not a letter of the vocabulary "abcdefghijklmnopqrstuvwxyz"`},
		{[]Pair{{"m?n", "women"}}, `character '?' at position 1 of "m?n" is not a letter`},
		{[]Pair{{"", "women"}}, "empty word"},
		{nil, "no pairs"},
	} {
		if _, err := m.MakeData(tc.pairs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("MakeData(%v): error %v, want one containing %q", tc.pairs, err, tc.want)
		}
	}
	v, _ := NewVocab("abc")
	if _, err := NewEncoderDecoder(v, 5, 8); err == nil || !strings.Contains(err.Error(), `lacks the symbol 'S'`) {
		t.Errorf("vocabulary without symbols: %v", err)
	}
	if _, err := NewEncoderDecoder(m.Vocab, 0, 8); err == nil || !strings.Contains(err.Error(), "n_step must be positive, got 0") {
		t.Errorf("n_step 0: %v", err)
	}
	for _, tc := range []struct {
		pairs []Pair
		cfg   Config
		want  string
	}{
		{MathorPairs, Config{Epochs: 0, BatchSize: 3, LearningRate: 1e-3}, "seq2seq: epochs must be positive, got 0"},
		{MathorPairs, Config{Epochs: 1, BatchSize: -3, LearningRate: 1e-3}, "seq2seq: batch size must be positive (or 0 for 1), got -3"},
		{MathorPairs, Config{Epochs: 1, BatchSize: 3, LearningRate: -1}, "seq2seq: learning rate must be positive, got -1"},
		{MathorPairs, Config{Epochs: 2, BatchSize: 3, LearningRate: 1e-3, Orders: [][]int{{0, 1, 2, 3, 4, 5}}},
			"seq2seq: 1 epoch orders given for 2 epochs"},
		{MathorPairs, Config{Epochs: 1, BatchSize: 3, LearningRate: 1e-3, Orders: [][]int{{0, 1, 2, 3, 4, 4}}},
			"seq2seq: the order of epoch 1, [0 1 2 3 4 4], is not a permutation of the 6 pairs"},
		{[]Pair{{"man", "women"}, {"elephant", "mouse"}}, Config{Epochs: 1, LearningRate: 1e-3},
			`seq2seq: pair 1: source: word "elephant" has 8 characters, more than n_step=5`},
	} {
		if _, err := Train(m, tc.pairs, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Train(%v): error %v, want one containing %q", tc.cfg, err, tc.want)
		}
	}
	tr := m.Translator(context.New())
	if _, err := tr.TranslatePadded("elephant"); err == nil || !strings.Contains(err.Error(), "more than n_step=5") {
		t.Errorf("TranslatePadded of a long word: %v", err)
	}
	if _, err := tr.TranslateGreedy("Up", 0); err == nil || !strings.Contains(err.Error(), "character 'U'") {
		t.Errorf("TranslateGreedy with an unknown character: %v", err)
	}
}

func TestLogitsShape(t *testing.T) {
	m := mathorModel(t)
	b, _ := m.MakeData(MathorPairs[:3])
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(ctx *context.Context, enc, dec *graph.Node) *graph.Node {
		return m.Logits(ctx, enc, dec)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(b.EncIn, b.DecIn)
	if err != nil {
		t.Fatal(err)
	}
	if got := out[0].Shape().Dimensions; !slices.Equal(got, []int{6, 3, 29}) {
		t.Errorf("logits shape %v, want [n_step+1=6, batch=3, n_class=29]", got)
	}
}

// TestUntrainedDecodersNeverCrash: a model that never predicts 'E' still
// yields a translation (mathor's decoded.index('E') would raise).
func TestUntrainedDecodersNeverCrash(t *testing.T) {
	m := mathorModel(t)
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(0))
	tr := m.Translator(ctx)
	for _, w := range []string{"man", "up", "zzzzz"} {
		p, err := tr.TranslatePadded(w)
		if err != nil {
			t.Fatal(err)
		}
		g, err := tr.TranslateGreedy(w, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len([]rune(p.Steps)) != 6 || len([]rune(g.Steps)) == 0 || len([]rune(g.Steps)) > 6 {
			t.Errorf("%s: padded steps %q, greedy steps %q", w, p.Steps, g.Steps)
		}
		if !p.Ended && p.Text != strings.ReplaceAll(p.Steps, "?", "") {
			t.Errorf("%s: without E the translation should be every step's character, got %q from %q", w, p.Text, p.Steps)
		}
	}
}

// mathorStart returns PyTorch's initial state_dict, epoch orders and losses
// of mathor's run with torch.manual_seed(0) (notebooks/data/mathor-init.npz).
func mathorStart(t testing.TB, epochs int) (map[string]*tensors.Tensor, [][]int, []float64) {
	t.Helper()
	npz, err := numpy.FromNpzFile("../../notebooks/data/mathor-init.npz")
	if err != nil {
		t.Fatal(err)
	}
	init := map[string]*tensors.Tensor{}
	for k, v := range npz {
		if k != "orders" && k != "losses" {
			init[k] = v
		}
	}
	flat := tensors.MustCopyFlatData[int32](npz["orders"])
	orders := make([][]int, epochs)
	for e := range orders {
		for i := range 6 {
			orders[e] = append(orders[e], int(flat[e*6+i]))
		}
	}
	return init, orders, rnn.Float64s(npz["losses"])
}

// TestMathorSameRunAsPyTorch replays the first 100 epochs of PyTorch's run (same
// initial weights, same batch order) and compares every batch's loss.
func TestMathorSameRunAsPyTorch(t *testing.T) {
	init, orders, torchLosses := mathorStart(t, 100)
	m := mathorModel(t)
	cfg := MathorTraining() // mathor's settings, replayed for 100 epochs from PyTorch's start and order
	cfg.Epochs, cfg.InitialState, cfg.Orders = 100, init, orders
	var epochs []Epoch
	cfg.OnEpoch = func(e Epoch) { epochs = append(epochs, e) }
	res, err := Train(m, MathorPairs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Losses) != 200 {
		t.Fatalf("%d steps, want 200", len(res.Losses))
	}
	// Two batches an epoch: OnEpoch reports both, and their mean.
	if len(epochs) != 100 || epochs[99].Epoch != 100 || !slices.Equal(epochs[99].Losses, res.Losses[198:]) ||
		epochs[99].Loss != (res.Losses[198]+res.Losses[199])/2 || epochs[99].Predicted != "" {
		t.Errorf("%d epoch reports, the last %+v", len(epochs), epochs[len(epochs)-1])
	}
	for i, l := range res.Losses {
		if d := math.Abs(l-torchLosses[i]) / torchLosses[i]; d > 1e-5 {
			t.Errorf("step %d: loss %.8f, PyTorch %.8f (relative difference %.2g)", i, l, torchLosses[i], d)
		}
	}
	// The replayed model already translates the training words it saw first.
	if !(res.Losses[199] < res.Losses[0]/5) {
		t.Errorf("loss did not fall: %.4f → %.4f", res.Losses[0], res.Losses[199])
	}
}

func TestTrainingLowersLossAndIsDeterministic(t *testing.T) {
	m := mathorModel(t)
	cfg := Config{Epochs: 20, BatchSize: 3, LearningRate: 1e-3, Shuffle: true, Seed: 7}
	a, err := Train(m, MathorPairs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(m, MathorPairs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Losses {
		if a.Losses[i] != b.Losses[i] {
			t.Fatalf("same seed, step %d: %v vs %v", i, a.Losses[i], b.Losses[i])
		}
	}
	if !(a.Losses[len(a.Losses)-1] < a.Losses[0]) {
		t.Errorf("loss %v → %v", a.Losses[0], a.Losses[len(a.Losses)-1])
	}
}

// TestMathorInitIsRealPyTorch regenerates the first 30 epochs of the run
// with PyTorch where installed: the same initial weights, batch orders and
// losses as the committed file.
func TestMathorInitIsRealPyTorch(t *testing.T) {
	py := pyref.Require(t, "mathor-init.npz")
	path := filepath.Join(t.TempDir(), "m.npz")
	if out, err := exec.Command(py, "../../tools/pytorch/mathor_seq2seq.py", "--epochs", "30", "--save-init", path).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	regen, err := numpy.FromNpzFile(path)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := numpy.FromNpzFile("../../notebooks/data/mathor-init.npz")
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range committed {
		r, ok := regen[k]
		if !ok {
			t.Errorf("%s not regenerated", k)
			continue
		}
		cv, rv := rnn.Float64s(c), rnn.Float64s(r)
		if k == "orders" || k == "losses" {
			cv = cv[:len(rv)] // the regenerated run has 30 epochs
		}
		for i := range rv {
			if math.Abs(cv[i]-rv[i]) > 1e-6*math.Max(1, math.Abs(cv[i])) {
				t.Errorf("%s[%d]: committed %v, regenerated %v", k, i, cv[i], rv[i])
				break
			}
		}
	}
}

// TestMathorTrainingDescribed: notebook 03 prints mathor's settings.
func TestMathorTrainingDescribed(t *testing.T) {
	if got, want := MathorTraining().String(), "Adam(lr=0.001, eps=1e-8), 5000 epochs, batch 3 (shuffled), seed 0"; got != want {
		t.Errorf("MathorTraining() = %q, want %q", got, want)
	}
	cfg := Config{Epochs: 2, LearningRate: 0.5, Orders: [][]int{{0}, {0}}, Reduction: ReduceSum, InitialState: map[string]*tensors.Tensor{}, Autodiff: true}
	if got, want := cfg.String(), "Adam(lr=0.5, eps=1e-8), 2 epochs, batch 1 (given batch orders), cross-entropy summed over the steps, given initial weights, GoMLX autodiff gradients"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
