package notebook05

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
	"github.com/nndl-hw9/rnngo/pkg/theory"
)

// TestClassifier checks the three classifiers' layers, names and logits:
// PyTorch's parameter shapes (G = 1, 4, 3 gates) and [N, 19] logits.
func TestClassifier(t *testing.T) {
	for kind, gates := range map[theory.Kind]int{theory.SRN: 1, theory.LSTM: 4, theory.GRU: 3} {
		ctx := context.New()
		m := newClassifier(ctx, kind, 8, 16, rnn.Tanh)
		want := map[string][]int{"weight_ih_l0": {gates * 16, 8}, "weight_hh_l0": {gates * 16, 16}, "bias_ih_l0": {gates * 16}, "bias_hh_l0": {gates * 16}}
		for _, p := range m.params {
			if !reflect.DeepEqual(p.Shape().Dimensions, want[p.Name]) {
				t.Errorf("%s: %s is %v, want %v", kind, p.Name, p.Shape().Dimensions, want[p.Name])
			}
		}
		if len(m.params) != 4 {
			t.Errorf("%s: %d recurrent parameters, want 4", kind, len(m.params))
		}
		digits, _, err := theory.DigitTensors([]seq2seq.Pair{{Source: "1234", Target: "3"}, {Source: "9900", Target: "18"}})
		if err != nil {
			t.Fatal(err)
		}
		logits, err := context.ExecOnce(backend.MustGet(), ctx, func(ctx *context.Context, x *graph.Node) *graph.Node { return m.forward(x) }, digits)
		if err != nil {
			t.Fatal(err)
		}
		if got := logits.Shape().Dimensions; !reflect.DeepEqual(got, []int{2, 19}) {
			t.Errorf("%s: logits %v, want [2 19]", kind, got)
		}
	}
	if got, want := newClassifier(context.New(), theory.GRU, 32, 32, rnn.Tanh).String(),
		"Embedding(10, 32) → GRU(32, 32, batch_first=True) → 最后一步的状态 → Linear(32, 19)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := newClassifier(context.New(), theory.SRN, 16, 32, rnn.ReLU).String(),
		"Embedding(10, 16) → RNN(16, 32, nonlinearity='relu', batch_first=True) → 最后一步的状态 → Linear(32, 19)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestChrono: the LSTM's forget-gate biases lie in [0, log(T−1)], the
// input gate's are their negatives, and bias_hh's i and f parts are zero.
func TestChrono(t *testing.T) {
	const T, H = 12, 16
	ctx := context.New()
	m := newClassifier(ctx, theory.LSTM, 8, H, rnn.Tanh)
	chrono(ctx, m, T, 1)
	bih, _, err := m.params[2].Value()
	if err != nil {
		t.Fatal(err)
	}
	bhh, _, _ := m.params[3].Value()
	for j := range H {
		bi, bf := bih[j], bih[H+j]
		if !(bf >= 0 && bf <= math.Log(T-1)+1e-6) || math.Abs(bi+bf) > 1e-6 || bhh[j] != 0 || bhh[H+j] != 0 {
			t.Errorf("unit %d: b_i %v, b_f %v, bias_hh %v %v", j, bi, bf, bhh[j], bhh[H+j])
		}
	}
}

// TestTrainAndTest trains the three kinds briefly on K = 4 (the LSTM
// chrono-initialised): every one learns, above twice chance, with a last
// epoch's loss below that of guessing, ln 19.
func TestTrainAndTest(t *testing.T) {
	trainSet, testSet, err := theory.DigitSum(4, 400, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := theory.MemoryConfig{Embed: 8, Hidden: 16, Epochs: 6, BatchSize: 20, LearningRate: 0.02, Seed: 1, Chrono: true}
	for _, kind := range theory.Kinds {
		acc, loss := trainAndTest(c, kind, 4, trainSet, testSet)
		if !(loss < math.Log(19)) || acc < 2*theory.ChanceAccuracy {
			t.Errorf("%s: last epoch's loss %.3f, test accuracy %.3f", kind, loss, acc)
		}
	}
}

// TestMemoryParallel runs a small memory experiment: every accuracy and
// loss is there, and training three models at once gives exactly the
// numbers of training them one after another.
func TestMemoryParallel(t *testing.T) {
	c := theory.MemoryConfig{Ks: []int{3, 4}, Kinds: theory.Kinds, Train: 300, Test: 100, DataSeed: 1, Embed: 8, Hidden: 16,
		Epochs: 2, BatchSize: 32, LearningRate: 0.01, Seed: 1, Chrono: true, Parallel: 3}
	res := memory(c)
	for _, kind := range theory.Kinds {
		for i, k := range c.Ks {
			acc, ok := res.At(kind, k)
			if !ok || acc < 0 || acc > 1 || !(res.Loss[kind][i] > 0) {
				t.Errorf("%s at K=%d: accuracy %v (%v), loss %v", kind, k, acc, ok, res.Loss[kind][i])
			}
		}
	}
	c.Parallel = 1
	again := memory(c)
	if !reflect.DeepEqual(res.Accuracy, again.Accuracy) || !reflect.DeepEqual(res.Loss, again.Loss) {
		t.Errorf("parallel %v / %v, sequential %v / %v", res.Accuracy, res.Loss, again.Accuracy, again.Loss)
	}
}

// TestClippingKeepsTheNorm runs a short version of the clipping
// experiment: without clipping SGD diverges, with it every applied gradient
// has a norm ≤ max_norm and every loss is finite; both runs start alike.
func TestClippingKeepsTheNorm(t *testing.T) {
	c := theory.ClipConfig{K: 10, Train: 2000, DataSeed: 1, Embed: 16, Hidden: 32, Nonlinearity: rnn.ReLU, Radius: 2.5,
		Steps: 40, BatchSize: 32, LearningRate: 0.1, MaxNorm: 1, Seed: 1}
	pairs, _, err := theory.DigitSum(c.K, c.Train, 1, c.DataSeed)
	if err != nil {
		t.Fatal(err)
	}
	plain, clipped := clipRun(c, pairs, math.Inf(1)), clipRun(c, pairs, c.MaxNorm)
	s := theory.SummarizeClipping(c, plain, clipped)
	if n := len(plain.Losses); plain.Diverged() != n || n >= c.Steps || s.DivergedAt != n {
		t.Errorf("without clipping: diverged at %d of %d steps, losses %v", plain.Diverged(), n, plain.Losses)
	}
	if len(clipped.Losses) != c.Steps || clipped.Diverged() != 0 || !s.Finite {
		t.Errorf("with clipping: %d steps, diverged at %d, finite %v", len(clipped.Losses), clipped.Diverged(), s.Finite)
	}
	for i, a := range clipped.Applied {
		if a > c.MaxNorm || a > clipped.GradNorms[i] {
			t.Errorf("step %d: applied norm %v, norm %v, max_norm %v", i+1, a, clipped.GradNorms[i], c.MaxNorm)
		}
	}
	if s.ClippedSteps == 0 || s.MaxClippedNorm <= c.MaxNorm || s.MaxApplied > c.MaxNorm {
		t.Errorf("summary %+v", s)
	}
	if plain.GradNorms[0] != clipped.GradNorms[0] || plain.Losses[0] != clipped.Losses[0] {
		t.Errorf("the runs start differently: %v/%v and %v/%v", plain.Losses[0], plain.GradNorms[0], clipped.Losses[0], clipped.GradNorms[0])
	}
	if !strings.Contains(newClassifier(context.New(), theory.SRN, c.Embed, c.Hidden, c.Nonlinearity).String(), "nonlinearity='relu'") {
		t.Errorf("the clipped model is not a ReLU SRN")
	}
}
