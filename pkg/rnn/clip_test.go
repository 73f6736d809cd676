package rnn

import (
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
)

const clipFixture = "testdata/clip_grad_norm.npz"

// TestClipGradNorm compares ClipGradNorm with what
// torch.nn.utils.clip_grad_norm_ did to the same gradients
// (tools/pytorch/clip_grad_norm.py): clipped gradients and total norm, for a
// max_norm below the norm, above it, far above it and +Inf.
func TestClipGradNorm(t *testing.T) {
	arrays := loadNpz(t, clipFixture)
	maxNorms := Float64s(arrays["max_norms"])
	wantTotals := Float64s(arrays["total_norm"])
	grads := []*tensors.Tensor{arrays["grad.0"], arrays["grad.1"], arrays["grad.2"]}
	for m, maxNorm := range maxNorms {
		t.Run(fmt.Sprintf("max_norm=%g", maxNorm), func(t *testing.T) {
			exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, in []*graph.Node) []*graph.Node {
				clipped, norm := ClipGradNorm(in, maxNorm)
				return append(clipped, norm)
			})
			if err != nil {
				t.Fatal(err)
			}
			args := make([]any, len(grads))
			for i, g := range grads {
				args[i] = g
			}
			out, err := exec.Exec(args...)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(Float64s(out[3])[0] - wantTotals[m]); d > 1e-5 {
				t.Errorf("total norm %v, PyTorch %v", Float64s(out[3])[0], wantTotals[m])
			}
			for k := range grads {
				want := Float64s(arrays[fmt.Sprintf("clipped.%d.%d", m, k)])
				if d := maxRelDiff(Float64s(out[k]), want); d > 1e-6 {
					t.Errorf("gradient %d differs from PyTorch's clipped one by %.3g", k, d)
				}
			}
		})
	}
}

// TestClipGradNormIsRealPyTorch regenerates the fixture with PyTorch, where
// installed, and compares.
func TestClipGradNormIsRealPyTorch(t *testing.T) {
	py := pyref.Require(t, clipFixture)
	path := filepath.Join(t.TempDir(), "clip.npz")
	if out, err := exec.Command(py, "../../tools/pytorch/clip_grad_norm.py", path).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	a, b := loadNpz(t, clipFixture), loadNpz(t, path)
	for k, v := range a {
		if d := maxRelDiff(Float64s(v), Float64s(b[k])); d > regenerationTolerance(v.DType()) {
			t.Errorf("%s differs from the regenerated value by %.3g", k, d)
		}
	}
}

// TestWithClipGradNorm trains one SGD step (learning rate 1) on a loss whose
// gradient is known, 3·w for loss = 1.5‖w‖²: the step w ← w − clip(3w) must
// move w by exactly min(‖3w‖, max_norm), and LastGradNorm must say ‖3w‖.
func TestWithClipGradNorm(t *testing.T) {
	w0 := []float32{3, 4} // ‖3·w0‖ = 15
	for _, tc := range []struct {
		maxNorm, wantMove float64
	}{{5, 5}, {100, 15}, {math.Inf(1), 15}} {
		t.Run(fmt.Sprintf("max_norm=%g", tc.maxNorm), func(t *testing.T) {
			ctx := context.New()
			opt, err := WithClipGradNorm(optimizers.StochasticGradientDescent().WithLearningRate(1).Done(), tc.maxNorm)
			if err != nil {
				t.Fatal(err)
			}
			wVar := ctx.In("m").VariableWithValue("w", w0)
			model := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
				return []*graph.Node{graph.ReduceAllSum(graph.Mul(inputs[0], wVar.ValueGraph(inputs[0].Graph())))}
			}
			loss := func(_, pred []*graph.Node) *graph.Node {
				w := wVar.ValueGraph(pred[0].Graph())
				return graph.Add(graph.MulScalar(graph.ReduceAllSum(graph.Square(w)), 1.5), graph.MulScalar(pred[0], 0))
			}
			trainer := train.NewTrainer(backend.MustGet(), ctx, model, loss, opt, nil, nil)
			x := tensors.FromValue([]float32{1, 1})
			if _, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{x}); err != nil {
				t.Fatal(err)
			}
			v, err := wVar.Value()
			if err != nil {
				t.Fatal(err)
			}
			w1 := Float64s(v)
			move := math.Hypot(w1[0]-float64(w0[0]), w1[1]-float64(w0[1]))
			if math.Abs(move-tc.wantMove) > 1e-4 {
				t.Errorf("w moved by %v, want %v", move, tc.wantMove)
			}
			norm, err := LastGradNorm(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(norm-15) > 1e-5 {
				t.Errorf("LastGradNorm = %v, want 15", norm)
			}
		})
	}
}

func TestClipGradNormErrors(t *testing.T) {
	sgd := optimizers.StochasticGradientDescent().Done()
	for _, maxNorm := range []float64{0, -1, math.NaN()} {
		if _, err := WithClipGradNorm(sgd, maxNorm); err == nil || !strings.Contains(err.Error(), "max_norm must be positive") {
			t.Errorf("WithClipGradNorm(max_norm=%g): error %v", maxNorm, err)
		}
	}
	if _, err := LastGradNorm(context.New()); err == nil || !strings.Contains(err.Error(), "no training step ran") {
		t.Errorf("LastGradNorm before training: error %v", err)
	}
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, x *graph.Node) *graph.Node {
		_, n := ClipGradNorm([]*graph.Node{x, graph.ConvertDType(x, dtypes.Float64)}, 1)
		return n
	})
	if err == nil {
		_, err = exec.Exec(tensors.FromValue([]float32{1}))
	}
	if err == nil || !strings.Contains(err.Error(), "expected one dtype") {
		t.Errorf("mixed dtypes: error %v", err)
	}
}
