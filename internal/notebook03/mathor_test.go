package notebook03

import (
	"io"
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
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// TestMakeData: mathor's layout of his six pairs, as make_data builds it.
func TestMakeData(t *testing.T) {
	encIn, decIn, decOut, err := makeData(seqData)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  *tensors.Tensor
		want []int
	}{{"enc_input_all", encIn, []int{6, 6, 29}}, {"dec_input_all", decIn, []int{6, 6, 29}}, {"dec_output_all", decOut, []int{6, 6}}} {
		if !slices.Equal(c.got.Shape().Dimensions, c.want) {
			t.Errorf("%s shape %v, want %v", c.name, c.got.Shape().Dimensions, c.want)
		}
	}
	// girl → boy: decoder target "boy??E" as indices (a LongTensor: int64).
	out := tensors.MustCopyFlatData[int64](decOut)
	if want := []int64{4, 17, 27, 2, 2, 1}; !slices.Equal(out[3*6:4*6], want) { // b o y ? ? E
		t.Errorf("decoder target of girl→boy = %v, want %v (boy??E)", out[18:24], want)
	}
	// Encoder input of "man" (m a n ? ? E) and decoder input of "women" (S w o m e n), one-hot.
	enc, dec := tensors.MustCopyFlatData[float32](encIn), tensors.MustCopyFlatData[float32](decIn)
	for _, c := range []struct {
		flat []float32
		text string
	}{{enc[:6*29], "man??E"}, {dec[:6*29], "Swomen"}} {
		for step, ch := range c.text {
			for class := range 29 {
				want := float32(0)
				if rune(letter[class]) == ch {
					want = 1
				}
				if got := c.flat[step*29+class]; got != want {
					t.Fatalf("%s, step %d, class %d (%q): %v, want %v", c.text, step, class, letter[class], got, want)
				}
			}
		}
	}
}

func TestMakeDataErrors(t *testing.T) {
	for _, tc := range []struct {
		pairs []seq2seq.Pair
		want  string
	}{
		{[]seq2seq.Pair{{Source: "elephant", Target: "mouse"}}, `单词 "elephant" 有 8 个字符，超过 n_step=5`},
		{[]seq2seq.Pair{{Source: "man", Target: "woman!"}}, `单词 "woman!" 的第 6 个字符 '!' 不在词表`},
		{[]seq2seq.Pair{{Source: "man", Target: "women"}, {Source: "girl", Target: "boy!"}}, `单词 "boy!" 的第 4 个字符 '!' 不在词表`},
		{[]seq2seq.Pair{{Source: "Man", Target: "women"}}, `单词 "Man" 的第 1 个字符 'M' 不在词表`},
	} {
		if _, _, _, err := makeData(tc.pairs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("makeData(%v): error %v, want one containing %q", tc.pairs, err, tc.want)
		}
	}
	ctx := context.New()
	if _, err := translate(ctx, "elephant"); err == nil || !strings.Contains(err.Error(), "超过 n_step=5") {
		t.Errorf("translate of a long word: %v", err)
	}
	if _, err := greedy(ctx, "Up"); err == nil || !strings.Contains(err.Error(), "字符 'U'") {
		t.Errorf("greedy with an unknown character: %v", err)
	}
	if _, err := trainSeq2Seq(io.Discard, ctx, []seq2seq.Pair{{Source: "man", Target: "women"}, {Source: "elephant", Target: "mouse"}}, 1, nil); err == nil ||
		!strings.Contains(err.Error(), `单词 "elephant"`) {
		t.Errorf("training on a long word: %v", err)
	}
}

func TestForwardShape(t *testing.T) {
	encIn, decIn, _, err := makeData(seqData[:3])
	if err != nil {
		t.Fatal(err)
	}
	out, err := context.ExecOnce(backend.MustGet(), context.New(), func(ctx *context.Context, enc, dec *graph.Node) *graph.Node {
		return rnn.Must(newSeq2Seq(ctx)).forward(enc, nil, dec)
	}, encIn, decIn)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Shape().Dimensions; !slices.Equal(got, []int{6, 3, 29}) {
		t.Errorf("forward's shape %v, want [n_step+1=6, batch=3, n_class=29]", got)
	}
}

// TestLoader: DataLoader's batches, the last one smaller (seven pairs in batches of 3).
func TestLoader(t *testing.T) {
	seven := append(slices.Clone(seqData), seq2seq.Pair{Source: "big", Target: "small"})
	batches := loader(seven, []int{6, 0, 1, 2, 3, 4, 5})
	var sizes []int
	for _, b := range batches {
		sizes = append(sizes, len(b))
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || batches[0][0].Source != "big" || batches[2][0].Source != "high" {
		t.Errorf("batches %v", batches)
	}
}

// TestReadOut: translate's last lines, and what it does where the original raises ValueError.
func TestReadOut(t *testing.T) {
	idx := func(s string) (out []int32) {
		for _, c := range s {
			out = append(out, int32(strings.IndexRune(letter, c)))
		}
		return out
	}
	for _, tc := range []struct {
		steps string
		want  decoding
	}{
		{"down?E", decoding{"down?E", "down", true}},
		{"boyE?E", decoding{"boyE?E", "boy", true}},
		{"swsw?w", decoding{"swsw?w", "swsww", false}},
	} {
		if got := readOut(idx(tc.steps)); got != tc.want {
			t.Errorf("readOut(%q) = %+v, want %+v", tc.steps, got, tc.want)
		}
	}
}

// TestUntrainedDecodersNeverCrash: a model that never predicts 'E' still
// yields a translation (mathor's decoded.index('E') would raise).
func TestUntrainedDecodersNeverCrash(t *testing.T) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(0))
	for _, w := range []string{"man", "up", "zzzzz"} {
		p, err := translate(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		g, err := greedy(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.steps) != 6 || len(g.steps) == 0 || len(g.steps) > 6 {
			t.Errorf("%s: padded steps %q, greedy steps %q", w, p.steps, g.steps)
		}
		if !p.ended && p.text != strings.ReplaceAll(p.steps, "?", "") {
			t.Errorf("%s: without E the translation should be every step's character, got %q from %q", w, p.text, p.steps)
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

// TestMathorSameRunAsPyTorch replays the first 100 epochs of PyTorch's run
// (same initial weights, same batch order) with the notebook's model and
// loop, and compares every batch's loss and the printed lines.
func TestMathorSameRunAsPyTorch(t *testing.T) {
	init, orders, torchLosses := mathorStart(t, 100)
	ctx := context.New()
	if _, err := newSeq2Seq(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rnn.SetStateDict(ctx, init); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	losses, err := trainSeq2Seq(&printed, ctx, seqData, 100, orders)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 200 {
		t.Fatalf("%d steps, want 200", len(losses))
	}
	for i, l := range losses {
		if d := math.Abs(l-torchLosses[i]) / torchLosses[i]; d > 1e-5 {
			t.Errorf("step %d: loss %.8f, PyTorch %.8f (relative difference %.2g)", i, l, torchLosses[i], d)
		}
	}
	if printed.Len() != 0 {
		t.Errorf("100 epochs printed %q; mathor prints every 1000 epochs", printed.String())
	}
	if !(losses[199] < losses[0]/5) {
		t.Errorf("loss did not fall: %.4f → %.4f", losses[0], losses[199])
	}
}

func TestTrainingLowersLossAndIsDeterministic(t *testing.T) {
	run := func() []float64 {
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(seed))
		if _, err := newSeq2Seq(ctx); err != nil {
			t.Fatal(err)
		}
		losses, err := trainSeq2Seq(io.Discard, ctx, seqData, 20, nil)
		if err != nil {
			t.Fatal(err)
		}
		return losses
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("the same seed gave different losses:\n%v\n%v", a, b)
	}
	if len(a) != 40 || !(a[len(a)-1] < a[0]) {
		t.Errorf("%d steps, loss %v → %v", len(a), a[0], a[len(a)-1])
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

// BenchmarkMathorTraining measures the notebook's training loop: one op is
// one epoch (2 steps of batch 3, Adam), graph compilation included.
//
//	go test -run '^$' -bench MathorTraining ./internal/notebook03/
func BenchmarkMathorTraining(b *testing.B) {
	for _, c := range []struct {
		name     string
		autodiff bool
	}{{"custom", false}, {"autodiff", true}} {
		b.Run(c.name, func(b *testing.B) {
			d, err := TrainMathor(b.N+1, c.autodiff)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.Microseconds())/float64(2*(b.N+1)), "µs/step")
		})
	}
}
