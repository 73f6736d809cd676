package notebook06

import (
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/nb"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// These tests compare the notebook's code with what
// tools/pytorch/attention_fixture.py wrote into notebooks/data/attention/
// (PyTorch 1.13, float32): d2l's modules with the same weights, the same
// batch, and the gradients of the masked loss; the largest difference
// allowed is parityTol.
const (
	parityTol   = 1e-5
	fixturesDir = "../../notebooks/data/attention"
)

// fixture reads one of the fixture files.
func fixture(t *testing.T, name string) map[string]*tensors.Tensor {
	t.Helper()
	arrays, err := numpy.FromNpzFile(filepath.Join(fixturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return arrays
}

// TestEncoderDecoderMatchesPyTorch: logits, attention weights, masked loss
// and the gradient of every parameter agree with PyTorch's at 1e-5, for the
// plain and the attention decoder, with pkg/rnn's hand-derived gradients and
// with GoMLX's autodiff.
func TestEncoderDecoderMatchesPyTorch(t *testing.T) {
	for _, file := range []string{"plain.npz", "attention.npz"} {
		for _, custom := range []bool{true, false} {
			ref, err := seq2seq.LoadAttentionFixture(filepath.Join(fixturesDir, file))
			if err != nil {
				t.Fatal(err)
			}
			if ref.Attention != (file == "attention.npz") || ref.Hidden != 4 || ref.Embed != 3 || ref.Layout.Src.Size() != 7 || ref.Layout.Tgt.Size() != 6 {
				t.Fatalf("%s: read as attention %v, E %d, H %d, vocabularies %d and %d", file, ref.Attention, ref.Embed, ref.Hidden,
					ref.Layout.Src.Size(), ref.Layout.Tgt.Size())
			}
			m := &EncoderDecoder{Layout: ref.Layout, Embed: ref.Embed, Hidden: ref.Hidden, Attention: ref.Attention}
			ctx := context.New()
			ctx.SetParam(rnn.ParamCustomGradient, custom)
			if err := m.Build(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := ref.Run(ctx, m.forward, func(logits, labels *graph.Node) *graph.Node { return m.Loss(logits, labels, seq2seq.ReduceMean) })
			if err != nil {
				t.Fatal(err)
			}
			if want := len(ref.StateDict) + 2 + map[bool]int{true: 1}[ref.Attention]; len(got) != len(ref.Want) || len(got) != want {
				t.Errorf("%s: %d results, %d in the reference, want %d (%d parameters)", file, len(got), len(ref.Want), want, len(ref.StateDict))
			}
			for k, want := range ref.Want {
				g, ok := got[k]
				if !ok {
					t.Errorf("%s (custom gradient %v): %s not computed", file, custom, k)
					continue
				}
				if d := nb.MaxAbsDiff(g, want); d > parityTol {
					t.Errorf("%s (custom gradient %v): %s differs from PyTorch by %.3g", file, custom, k, d)
				}
			}
		}
	}
}

// TestAttentionFixturesAreRealPyTorch regenerates the fixtures with
// PyTorch, where it is installed, and fails if any array differs from the
// committed one.
func TestAttentionFixturesAreRealPyTorch(t *testing.T) {
	py := pyref.Require(t, "the attention fixtures")
	dir := t.TempDir()
	out, err := exec.Command(py, "../../tools/pytorch/attention_fixture.py", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("generator failed: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
	for _, name := range []string{"attention.npz", "plain.npz", "masked_ce.npz", "masked_softmax.npz"} {
		committed := fixture(t, name)
		regen, err := numpy.FromNpzFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s not regenerated: %v", name, err)
		}
		if len(committed) != len(regen) {
			t.Errorf("%s: %d arrays committed, %d regenerated", name, len(committed), len(regen))
		}
		for k, a := range committed {
			b, ok := regen[k]
			switch {
			case !ok:
				t.Errorf("%s: %s not regenerated", name, k)
			case !a.Shape().Equal(b.Shape()):
				t.Errorf("%s: %s shape %s committed, %s regenerated", name, k, a.Shape(), b.Shape())
			case a.DType() == dtypes.Bool:
				if !slices.Equal(tensors.MustCopyFlatData[bool](a), tensors.MustCopyFlatData[bool](b)) {
					t.Errorf("%s: %s differs from the regenerated one", name, k)
				}
			default:
				if d := nb.MaxAbsDiff(rnn.Float64s(a), rnn.Float64s(b)); d > 1e-6 {
					t.Errorf("%s: %s differs from regenerated PyTorch values by %.3g", name, k, d)
				}
			}
		}
	}
}

// TestMaskedLossMatchesPyTorch: maskedLoss is CrossEntropyLoss(ignore_index=pad)
// with reduction 'mean', from the fixture's mask and from valid lengths
// (sequenceMask); (l * mask).sum() is reduction 'sum'; the gradient of the
// mean agrees, and is exactly 0 at the masked positions; a sample's sum
// divided by all its steps is d2l's first-edition MaskedSoftmaxCELoss.
func TestMaskedLossMatchesPyTorch(t *testing.T) {
	arrays := fixture(t, "masked_ce.npz")
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
		mean := maskedLoss(logits, labels, mask)
		m := graph.ConvertDType(graph.Reshape(mask, -1), logits.DType())
		perSample := graph.Reshape(graph.Mul(crossEntropy(logits, labels), m), -1, steps) // d2l's first edition: Σ_t mask·CE / T
		return []*graph.Node{mean, graph.ReduceAllSum(graph.Mul(crossEntropy(logits, labels), m)), graph.Gradient(mean, logits)[0],
			maskedLoss(logits, labels, sequenceMask(lens, steps)), graph.DivScalar(graph.ReduceSum(perSample, -1), float64(steps))}
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(arrays["logits"], arrays["labels"], arrays["mask"], tensors.FromValue(lens))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []string{"mean", "sum", "grad_mean", "mean", "d2l"} {
		if d := nb.MaxAbsDiff(rnn.Float64s(res[i]), rnn.Float64s(arrays[k])); d > parityTol {
			t.Errorf("result %d differs from PyTorch's %s by %.3g", i, k, d)
		}
	}
	grad := rnn.Float64s(res[2])
	classes := arrays["logits"].Shape().Dim(-1)
	for i, m := range mask {
		for c := range classes {
			if !m && grad[i*classes+c] != 0 {
				t.Fatalf("gradient at masked position %d is %g, want 0", i, grad[i*classes+c])
			}
		}
	}
}

// TestMaskedSoftmaxMatchesD2L: masked_softmax with valid lengths per sample
// [B] and per query [B, Q], and without (a plain softmax).
func TestMaskedSoftmaxMatchesD2L(t *testing.T) {
	arrays := fixture(t, "masked_softmax.npz")
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, scores, lens1, lens2 *graph.Node) []*graph.Node {
		return []*graph.Node{maskedSoftmax(scores, lens1), maskedSoftmax(scores, lens2), maskedSoftmax(scores, nil)}
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
	all := rnn.Float64s(res[2])
	for row := 0; row < len(all); row += 5 {
		sum := 0.0
		for _, x := range all[row : row+5] {
			sum += x
			if !(x > 0) {
				t.Errorf("without valid lengths, weight %g in row %d", x, row/5)
			}
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("without valid lengths, row %d sums to %g", row/5, sum)
		}
	}
}

// TestSequenceMask: true below each valid length, false from it on.
func TestSequenceMask(t *testing.T) {
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, lens *graph.Node) *graph.Node {
		return sequenceMask(lens, 4)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(tensors.FromValue([]int32{1, 3, 0, 4}))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false, false, true, true, true, false, false, false, false, false, true, true, true, true}
	if got := tensors.MustCopyFlatData[bool](res[0]); !slices.Equal(got, want) {
		t.Errorf("sequenceMask([1 3 0 4], 4) = %v, want %v", got, want)
	}
}

// TestAdditiveAttentionShapesAndMask: d2l's example sizes (batch 2, 1 query
// of 20, 10 keys of 2, values of 4, valid lengths 2 and 6): the context is
// [2, 1, 4], the weights [2, 1, 10], sum to 1, and are exactly 0 past each
// valid length; changing a masked key or value changes nothing.
func TestAdditiveAttentionShapesAndMask(t *testing.T) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, q, k, v, lens *graph.Node) []*graph.Node {
		c, w := NewAdditiveAttention(ctx.In("attention"), 20, 2, 8).Forward(q, k, v, lens)
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
