package seq2seq

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/nb"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// TestMaskedCrossEntropyMatchesPyTorch: CrossEntropyLoss(ignore_index=pad)
// with reduction 'mean' and 'sum', and the gradient of the mean — from a
// mask (MaskedCrossEntropy) and from valid lengths (SequenceCrossEntropy).
func TestMaskedCrossEntropyMatchesPyTorch(t *testing.T) {
	arrays, err := numpy.FromNpzFile(filepath.Join("testdata", "masked_ce.npz"))
	if err != nil {
		t.Fatal(err)
	}
	// The valid lengths of the fixture's rows: its mask is true on a prefix of each.
	mask := tensors.MustCopyFlatData[bool](arrays["mask"])
	steps := arrays["logits"].Shape().Dim(1)
	lens := make([]int32, len(mask)/steps)
	for i, m := range mask {
		if m {
			lens[i/steps]++
		}
	}
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, in []*graph.Node) []*graph.Node {
		logits, labels, mask, lens := in[0], in[1], in[2], in[3]
		mean := MaskedCrossEntropy(logits, labels, mask, ReduceMean)
		return []*graph.Node{mean, MaskedCrossEntropy(logits, labels, mask, ReduceSum), graph.Gradient(mean, logits)[0],
			SequenceCrossEntropy(logits, labels, lens, ReduceMean), SequenceCrossEntropy(logits, labels, lens, ReduceSum)}
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(arrays["logits"], arrays["labels"], arrays["mask"], tensors.FromValue(lens))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"mean", "sum", "grad_mean", "mean", "sum"} {
		if d := nb.MaxAbsDiff(rnn.Float64s(res[i]), rnn.Float64s(arrays[k])); d > parityTol {
			t.Errorf("%s differs from PyTorch by %.3g", k, d)
		}
	}
	// The masked positions contribute nothing: their gradient is exactly 0.
	grad := rnn.Float64s(res[2])
	classes := arrays["logits"].Shape().Dim(-1)
	for i, m := range mask {
		for c := range classes {
			if !m && grad[i*classes+c] != 0 {
				t.Fatalf("gradient at masked position %d is %g, want 0", i, grad[i*classes+c])
			}
		}
	}
	// d2l's first-edition MaskedSoftmaxCELoss is per sample: Σ_t mask·CE / T.
	// Our sum over one sample's row, divided by T, is the same number.
	d2l := rnn.Float64s(arrays["d2l"])
	exec2, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, logits, labels, mask *graph.Node) *graph.Node {
		rows := make([]*graph.Node, logits.Shape().Dim(0))
		for b := range rows {
			idx := graph.Const(logits.Graph(), []int32{int32(b)})
			rows[b] = MaskedCrossEntropy(graph.Gather(logits, idx), graph.Gather(labels, idx), graph.Gather(mask, idx), ReduceSum)
		}
		return graph.DivScalar(graph.Stack(rows, 0), float64(steps))
	})
	if err != nil {
		t.Fatal(err)
	}
	res2, err := exec2.Exec(arrays["logits"], arrays["labels"], arrays["mask"])
	if err != nil {
		t.Fatal(err)
	}
	if d := nb.MaxAbsDiff(rnn.Float64s(res2[0]), d2l); d > parityTol {
		t.Errorf("per-sample sums differ from d2l's MaskedSoftmaxCELoss by %.3g", d)
	}
}

// TestMaskedSoftmaxMatchesD2L: d2l's masked_softmax with valid lengths per
// sample [B] and per query [B, Q].
func TestMaskedSoftmaxMatchesD2L(t *testing.T) {
	arrays, err := numpy.FromNpzFile(filepath.Join("testdata", "masked_softmax.npz"))
	if err != nil {
		t.Fatal(err)
	}
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, scores, lens1, lens2 *graph.Node) []*graph.Node {
		return []*graph.Node{MaskedSoftmax(scores, lens1), MaskedSoftmax(scores, lens2)}
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(arrays["scores"], arrays["lens1"], arrays["lens2"])
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"out1", "out2"} {
		if d := nb.MaxAbsDiff(rnn.Float64s(res[i]), rnn.Float64s(arrays[k])); d > parityTol {
			t.Errorf("%s differs from d2l's masked_softmax by %.3g", k, d)
		}
	}
}

// TestAdditiveAttentionShapesAndMask: d2l's example sizes (batch 2, 1 query
// of 20, 10 keys of 2, values of 4, valid lengths 2 and 6): the context is
// [2, 1, 4], the weights [2, 1, 10], sum to 1, and are exactly 0 past each
// valid length; changing a masked key or value changes nothing.
func TestAdditiveAttentionShapesAndMask(t *testing.T) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	att, err := NewAdditiveAttention(ctx.In("attention"), 20, 2, 8)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := context.NewExec(backend.MustGet(), ctx, func(_ *context.Context, q, k, v, lens *graph.Node) []*graph.Node {
		c, w := att.Forward(q, k, v, lens)
		return []*graph.Node{c, w}
	})
	if err != nil {
		t.Fatal(err)
	}
	queries := make([]float32, 2*20)
	keys := make([]float32, 2*10*2)
	values := make([]float32, 2*10*4)
	for i := range queries {
		queries[i] = float32(math.Sin(float64(i)))
	}
	for i := range keys {
		keys[i] = float32(math.Cos(float64(3 * i)))
	}
	for i := range values {
		values[i] = float32(i % 7)
	}
	lens := tensors.FromValue([]int32{2, 6})
	run := func(keys, values []float32) ([]float64, []float64, []int, []int) {
		res, err := exec.Exec(tensors.FromFlatDataAndDimensions(queries, 2, 1, 20), tensors.FromFlatDataAndDimensions(keys, 2, 10, 2),
			tensors.FromFlatDataAndDimensions(values, 2, 10, 4), lens)
		if err != nil {
			t.Fatal(err)
		}
		return rnn.Float64s(res[0]), rnn.Float64s(res[1]), res[0].Shape().Dimensions, res[1].Shape().Dimensions
	}
	c, w, cDims, wDims := run(keys, values)
	if !slices.Equal(cDims, []int{2, 1, 4}) || !slices.Equal(wDims, []int{2, 1, 10}) {
		t.Fatalf("context %v, weights %v; want [2 1 4] and [2 1 10]", cDims, wDims)
	}
	for b, valid := range []int{2, 6} {
		sum := 0.0
		for k := range 10 {
			x := w[b*10+k]
			if k >= valid && x != 0 {
				t.Errorf("sample %d: weight of masked key %d is %g, want 0", b, k, x)
			}
			if k < valid && !(x > 0) {
				t.Errorf("sample %d: weight of valid key %d is %g, want > 0", b, k, x)
			}
			sum += x
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("sample %d: weights sum to %g", b, sum)
		}
	}
	// Keys and values past the valid lengths do not matter.
	keys2, values2 := slices.Clone(keys), slices.Clone(values)
	for k := 6; k < 10; k++ {
		keys2[(10+k)*2], values2[(10+k)*4+1] = 100, -100
	}
	for k := 2; k < 10; k++ {
		keys2[k*2+1], values2[k*4] = -50, 1e3
	}
	c2, w2, _, _ := run(keys2, values2)
	if !slices.Equal(c, c2) || !slices.Equal(w, w2) {
		t.Errorf("changing masked keys/values changed the result: context %v → %v", c, c2)
	}
}
