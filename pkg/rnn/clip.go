package rnn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

// ClipGradNorm is torch.nn.utils.clip_grad_norm_(parameters, max_norm) with
// norm_type 2, on gradient nodes: the total norm ‖g‖ = √(Σ_k ‖g_k‖²) of all
// the gradients together, and every gradient scaled by
// min(1, max_norm / (‖g‖ + 1e-6)), PyTorch's formula to the constant. It
// returns the scaled gradients (same shapes, same order) and the total norm
// before clipping, a scalar of the gradients' dtype. maxNorm = +Inf only
// measures. As in PyTorch (error_if_nonfinite=False), a NaN or infinite
// norm makes every clipped gradient NaN. Use inside a graph function; it
// panics if grads is empty, holds nil or mixes dtypes.
func ClipGradNorm(grads []*graph.Node, maxNorm float64) (clipped []*graph.Node, totalNorm *graph.Node) {
	if len(grads) == 0 {
		panicf("rnn.ClipGradNorm: no gradients given")
	}
	if math.IsNaN(maxNorm) || maxNorm <= 0 {
		panicf("rnn.ClipGradNorm: max_norm must be positive (or +Inf), got %g", maxNorm)
	}
	dtype := grads[0].DType()
	sumSq := make([]*graph.Node, len(grads))
	for k, g := range grads {
		if g == nil {
			panicf("rnn.ClipGradNorm: gradient #%d is nil", k)
		}
		if g.DType() != dtype {
			panicf("rnn.ClipGradNorm: gradient #%d is %s, gradient #0 is %s: expected one dtype", k, g.DType(), dtype)
		}
		sumSq[k] = graph.ReduceAllSum(graph.Square(g))
	}
	total := sumSq[0]
	for _, s := range sumSq[1:] {
		total = graph.Add(total, s)
	}
	totalNorm = graph.Sqrt(total)
	g := totalNorm.Graph()
	coef := graph.Div(graph.Scalar(g, dtype, maxNorm), graph.AddScalar(totalNorm, 1e-6))
	coef = graph.Min(coef, graph.ScalarOne(g, dtype))
	clipped = make([]*graph.Node, len(grads))
	for k, grad := range grads {
		clipped[k] = graph.Mul(grad, coef)
	}
	return clipped, totalNorm
}

// GradNormScope and GradNormName locate the non-trainable variable in which
// an optimizer from WithClipGradNorm stores the total gradient norm of the
// last training step (before clipping): see LastGradNorm.
const (
	GradNormScope = "/clip_grad_norm"
	GradNormName  = "total_norm"
)

// gradientsOptimizer is what GoMLX's Adam and SGD implement besides
// optimizers.Interface: an update from gradients computed elsewhere.
type gradientsOptimizer interface {
	optimizers.Interface
	UpdateGraphWithGradients(ctx *context.Context, grads []*graph.Node, lossDType dtypes.DType)
}

// clipOptimizer computes the gradients, clips them and hands them to opt.
type clipOptimizer struct {
	gradientsOptimizer
	maxNorm float64
}

// WithClipGradNorm wraps a GoMLX optimizer (Adam, SGD: one that implements
// UpdateGraphWithGradients) so that each training step clips the gradients
// of all trainable variables with ClipGradNorm(grads, maxNorm) before the
// update — the PyTorch loop
//
//	loss.backward(); clip_grad_norm_(model.parameters(), max_norm); optimizer.step()
//
// — and stores the norm before clipping for LastGradNorm. maxNorm = +Inf
// measures without clipping. It fails for a non-positive maxNorm or an
// optimizer that cannot take gradients.
func WithClipGradNorm(opt optimizers.Interface, maxNorm float64) (optimizers.Interface, error) {
	if math.IsNaN(maxNorm) || maxNorm <= 0 {
		return nil, fmt.Errorf("rnn.WithClipGradNorm: max_norm must be positive (or +Inf), got %g", maxNorm)
	}
	gOpt, ok := opt.(gradientsOptimizer)
	if !ok {
		return nil, fmt.Errorf("rnn.WithClipGradNorm: optimizer %T has no UpdateGraphWithGradients method "+
			"(GoMLX's Adam and SGD have one)", opt)
	}
	return &clipOptimizer{gradientsOptimizer: gOpt, maxNorm: maxNorm}, nil
}

// UpdateGraph implements optimizers.Interface.
func (c *clipOptimizer) UpdateGraph(ctx *context.Context, g *graph.Graph, loss *graph.Node) {
	grads := ctx.BuildTrainableVariablesGradientsGraph(loss)
	if len(grads) == 0 {
		panicf("rnn.WithClipGradNorm: the loss depends on no trainable variable")
	}
	clipped, norm := ClipGradNorm(grads, c.maxNorm)
	normVar := ctx.InAbsPath(GradNormScope).Checked(false).
		VariableWithValue(GradNormName, tensors.FromScalar(float64(0))).SetTrainable(false)
	normVar.SetValueGraph(graph.ConvertDType(norm, dtypes.Float64))
	c.UpdateGraphWithGradients(ctx, clipped, loss.DType())
}

// LastGradNorm returns the total gradient norm (before clipping) of the
// last training step taken with an optimizer from WithClipGradNorm on ctx;
// an error if no such step has run.
func LastGradNorm(ctx *context.Context) (float64, error) {
	v := ctx.InspectVariable(GradNormScope, GradNormName)
	if v == nil {
		return 0, fmt.Errorf("rnn.LastGradNorm: no %s/%s variable: no training step ran with WithClipGradNorm", GradNormScope, GradNormName)
	}
	val, err := v.Value()
	if err != nil {
		return 0, fmt.Errorf("rnn.LastGradNorm: %w", err)
	}
	return Float64s(val)[0], nil
}
