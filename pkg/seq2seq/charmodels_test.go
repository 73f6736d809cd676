package seq2seq

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// The lecture's three models and their training settings.
var lecture = Lecture12()

// hello is the lecture's one training pair.
var hello = []Pair{{"hello", "ohlol"}}

func TestModelShapes(t *testing.T) {
	for _, l := range lecture {
		x, err := l.Model.Input("hello")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.New()
		exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
			return l.Model.Net.Logits(ctx, x)
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(x)
		if err != nil {
			t.Fatalf("%s: %v", l.Model, err)
		}
		if dims := out[0].Shape().Dimensions; len(dims) != 2 || dims[0] != 5 || dims[1] != 4 {
			t.Errorf("%s: logits shape %v, want [5 4]", l.Model, dims)
		}
		var names []string
		sd, _ := rnn.StateDict(ctx)
		for k := range sd {
			names = append(names, k)
		}
		t.Logf("%s: parameters %v", l.Model, names)
	}
	if x, _ := lecture[0].Model.Input("hello"); !slices.Equal(x.Shape().Dimensions, []int{5, 1, 4}) {
		t.Errorf("one-hot input shape %v, want [5 1 4]", x.Shape().Dimensions)
	}
	if x, _ := lecture[2].Model.Input("hello"); !slices.Equal(x.Shape().Dimensions, []int{1, 5}) {
		t.Errorf("index input shape %v, want [1 5]", x.Shape().Dimensions)
	}
}

func TestTrainErrors(t *testing.T) {
	m := lecture[1].Model
	ok := Config{Epochs: 1, LearningRate: 0.1}
	with := func(change func(*Config)) Config {
		c := ok
		change(&c)
		return c
	}
	for _, tc := range []struct {
		pairs []Pair
		cfg   Config
		want  string
	}{
		{hello, with(func(c *Config) { c.Epochs = 0 }), "seq2seq: epochs must be positive, got 0"},
		{hello, with(func(c *Config) { c.LearningRate = 0 }), "seq2seq: learning rate must be positive, got 0"},
		{hello, with(func(c *Config) { c.BatchSize = -1 }), "seq2seq: batch size must be positive (or 0 for 1), got -1"},
		{hello, with(func(c *Config) { c.Reduction = 7 }), "seq2seq: unknown reduction 7"},
		{nil, ok, "seq2seq: no training pairs"},
		{[]Pair{{"hello", "ohlol"}, {"hellp", "ohlol"}}, ok, `seq2seq: pair 1: source: unknown character 'p' at position 4`},
		{[]Pair{{"hello", ""}}, ok, "seq2seq: pair 0: target: cannot encode an empty string"},
		{[]Pair{{"hello", "ohl"}}, ok, `seq2seq: pair 0: source "hello" has 5 characters but target "ohl" has 3`},
		{[]Pair{{"hello", "ohlol"}, {"hole", "ohlo"}}, with(func(c *Config) { c.BatchSize = 2 }),
			"seq2seq: a batch of 2 pairs: seq2seq: RNN(input_size=4, hidden_size=4, num_layers=1) trains on one pair a step (batch size 1), got 2"},
		{hello, with(func(c *Config) { c.InitialState = map[string]*tensors.Tensor{} }),
			"seq2seq: initial state: error(s) in loading state_dict: missing keys: rnn.bias_hh_l0"},
		{hello, with(func(c *Config) { c.Orders = [][]int{{1}} }), "seq2seq: the order of epoch 1, [1], is not a permutation of the 1 pairs"},
	} {
		_, err := Train(m, tc.pairs, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Train(%q, %v): error %v, want one containing %q", tc.pairs, tc.cfg, err, tc.want)
		}
	}
	if _, err := Train(nil, hello, ok); err == nil || err.Error() != "seq2seq: no model to train" {
		t.Errorf("Train(nil): %v", err)
	}
	for _, tc := range []struct {
		m    CharModel
		want string
	}{
		{CharModel{Net: m.Net}, "seq2seq: pair 0: source: the character model has no vocabulary (set its Vocab)"},
		{CharModel{Vocab: m.Vocab}, "seq2seq: pair 0: source: the character model has no network (set its Net)"},
	} {
		if _, err := Train(tc.m, hello, ok); err == nil || err.Error() != tc.want {
			t.Errorf("Train(%v): error %v, want %q", tc.m, err, tc.want)
		}
	}
}

// TestBadLayerIsExecError: a layer that cannot be built inside a graph
// function (rnn.Must's panic) is an error from Exec, not a crash.
func TestBadLayerIsExecError(t *testing.T) {
	m := RNNModel{InputSize: 4, HiddenSize: 0}
	x, err := m.Input(lecture[1].Model.Vocab, "hello")
	if err != nil {
		t.Fatal(err)
	}
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return m.Logits(ctx, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.Exec(x); err == nil || !strings.Contains(err.Error(), "hidden") {
		t.Errorf("Exec of a model with hidden size 0: error %v, want one about the hidden size", err)
	}
}

// TestOneStepLowersLoss: the loss of epoch 2 is measured after one Adam step.
func TestOneStepLowersLoss(t *testing.T) {
	for _, l := range lecture {
		cfg := l.Config
		cfg.Epochs, cfg.Seed = 2, 42
		res, err := Train(l.Model, hello, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !(res.Losses[1] < res.Losses[0]) {
			t.Errorf("%s: loss %.4f after one step, %.4f before", l.Model, res.Losses[1], res.Losses[0])
		}
	}
}

// TestDeterministic: the same seed gives the same run; another seed another.
func TestDeterministic(t *testing.T) {
	run := func(seed int64) []float64 {
		cfg := lecture[2].Config
		cfg.Seed = seed
		res, err := Train(lecture[2].Model, hello, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Losses
	}
	a, b, c := run(3), run(3), run(4)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 3 twice: epoch %d loss %v vs %v", i+1, a[i], b[i])
		}
	}
	if a[0] == c[0] {
		t.Errorf("seeds 3 and 4 start from the same loss %v", a[0])
	}
}

// TestCheckpointRoundTrip: a trained model's parameters come back from
// its checkpoint as they were saved.
func TestCheckpointRoundTrip(t *testing.T) {
	l := lecture[2]
	cfg := l.Config
	cfg.Seed = 1
	res, err := Train(l.Model, hello, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ckpt")
	if err := SaveCheckpoint(res.Ctx, dir); err != nil {
		t.Fatal(err)
	}
	ctx, err := LoadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Model.Build(ctx); err != nil { // the layers ask for their saved variables
		t.Fatal(err)
	}
	want, err := rnn.StateDict(res.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rnn.StateDict(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s not in the reloaded checkpoint", name)
			continue
		}
		if wv, gv := rnn.Float64s(w), rnn.Float64s(g); !slices.Equal(wv, gv) {
			t.Errorf("reloaded %s differs: %v vs %v", name, gv, wv)
		}
	}
	if _, err := LoadCheckpoint(filepath.Join(t.TempDir(), "missing")); err == nil ||
		!strings.Contains(err.Error(), "run the training cell that saves it first") {
		t.Errorf("missing checkpoint: %v", err)
	}
}

// TestLectureConfigsDescribed: Config.String describes each variant's
// training as the lecture sets it up (testdata/liuer-hello-ohlol-outputs.txt's
// header).
func TestLectureConfigsDescribed(t *testing.T) {
	want := []string{
		"Adam(lr=0.1, eps=1e-8), 15 epochs, cross-entropy summed over the steps, seed 0",
		"Adam(lr=0.05, eps=1e-8), 15 epochs, mean cross-entropy, seed 0",
		"Adam(lr=0.05, eps=1e-8), 15 epochs, mean cross-entropy, seed 0",
	}
	for i, l := range lecture {
		if got := l.Config.String(); got != want[i] {
			t.Errorf("variant %d: %q, want %q", i+1, got, want[i])
		}
	}
}

// TestLecture12PyTorchReachedIsQuoted: the counts quoted in
// pytorch_reference.go are those of the committed PyTorch output.
func TestLecture12PyTorchReachedIsQuoted(t *testing.T) {
	data, err := os.ReadFile("testdata/liuer-hello-ohlol-outputs.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := Lecture12PyTorchReached
	want := fmt.Sprintf("variant 1 %d/30, variant 2 %d/30, variant 3 %d/30.", r[0], r[1], r[2])
	if !strings.Contains(string(data), want) {
		t.Errorf("testdata/liuer-hello-ohlol-outputs.txt does not say %q", want)
	}
}

// TestEpochReports: OnEpoch is called once an epoch with the epoch's step
// losses, which Result.Losses has in order; Config.Autodiff trains to the
// same numbers as the hand-derived gradients.
func TestEpochReports(t *testing.T) {
	l := lecture[1]
	cfg := l.Config
	cfg.Epochs = 3
	var reports []Epoch
	cfg.OnEpoch = func(e Epoch) { reports = append(reports, e) }
	res, err := Train(l.Model, hello, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 3 || len(res.Losses) != 3 || res.Last.Epoch != 3 {
		t.Fatalf("%d reports, %d losses, last epoch %d; want 3, 3, 3", len(reports), len(res.Losses), res.Last.Epoch)
	}
	for i, e := range reports {
		if e.Epoch != i+1 || e.Epochs != 3 || len(e.Losses) != 1 || e.Loss != res.Losses[i] || len(e.Predicted) != 5 {
			t.Errorf("report %d: %+v (losses %v)", i, e, res.Losses)
		}
	}
	cfg.OnEpoch, cfg.Autodiff = nil, true
	auto, err := Train(l.Model, hello, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Losses {
		if math.Abs(auto.Losses[i]-res.Losses[i]) > 1e-5 {
			t.Errorf("epoch %d: autodiff loss %v, custom gradients %v", i+1, auto.Losses[i], res.Losses[i])
		}
	}
}
