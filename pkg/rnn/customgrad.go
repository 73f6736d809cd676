package rnn

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// forwardFn computes a function's outputs from its inputs (which it receives
// with their gradients stopped).
type forwardFn func(inputs []*graph.Node) (outputs []*graph.Node)

// backwardFn computes the gradients of a function's inputs from the inputs,
// the outputs forwardFn returned and the gradients with respect to those
// outputs: one entry per input, nil only where the input is nil.
type backwardFn func(inputs, outputs, vOutputs []*graph.Node) (vInputs []*graph.Node)

// withCustomGradient returns forward(inputs), with a gradient (for GoMLX's
// autodiff, so for train.Trainer and any loss) given by backward instead of
// by differentiating through the operations of forward.
//
// GoMLX's public hook for custom gradients, IdentityWithCustomGradient, takes
// a single node. So the inputs that need a gradient and the (gradient-stopped)
// outputs are packed into one flat vector Z; Z goes through the custom
// identity, whose gradient function unpacks the outputs' gradients, calls
// backward and packs the inputs' gradients; the outputs are unpacked from the
// identity's result with Gather (whose gradient works on every backend, unlike
// Slice's, which needs Pad).
//
// Every non-nil input is packed and gets its gradient: whether the caller
// will ask for the gradient of an input (a weight, a graph parameter, a
// constant, a computed node) cannot be known while the graph is built, so
// none is guessed. All inputs and the outputs must have the same dtype.
func withCustomGradient(inputs []*graph.Node, forward forwardFn, backward backwardFn) []*graph.Node {
	stopped := make([]*graph.Node, len(inputs))
	for i, x := range inputs {
		if x != nil {
			stopped[i] = graph.StopGradient(x)
		}
	}
	outputs := forward(stopped)

	packedIn := make([]int, 0, len(inputs)) // indices of the packed inputs
	for i, x := range inputs {
		if x != nil {
			packedIn = append(packedIn, i)
		}
	}
	if len(packedIn) == 0 {
		return outputs // nothing to differentiate.
	}
	g := outputs[0].Graph()
	dtype := outputs[0].DType()

	parts := make([]*graph.Node, 0, len(packedIn)+len(outputs))
	for _, i := range packedIn {
		parts = append(parts, graph.Reshape(inputs[i], inputs[i].Shape().Size()))
	}
	outOffsets := make([]int, len(outputs))
	offset := 0
	for _, p := range parts {
		offset += p.Shape().Dim(0)
	}
	for j, y := range outputs {
		outOffsets[j] = offset
		offset += y.Shape().Size()
		parts = append(parts, graph.Reshape(graph.StopGradient(y), y.Shape().Size()))
	}
	total := offset

	z := graph.IdentityWithCustomGradient(graph.Concatenate(parts, 0), func(_, v *graph.Node) *graph.Node {
		vOutputs := make([]*graph.Node, len(outputs))
		for j, y := range outputs {
			size := y.Shape().Size()
			vOutputs[j] = graph.Reshape(graph.Slice(v, graph.AxisRange(outOffsets[j], outOffsets[j]+size)), y.Shape().Dimensions...)
		}
		vInputs := backward(stopped, outputs, vOutputs)
		grads := make([]*graph.Node, 0, len(packedIn)+1)
		for _, i := range packedIn {
			vi := vInputs[i]
			if vi == nil {
				panicf("rnn: internal error: no gradient computed for input #%d %s", i, inputs[i].Shape())
			}
			grads = append(grads, graph.Reshape(vi, inputs[i].Shape().Size()))
		}
		grads = append(grads, graph.Zeros(g, shapes.Make(dtype, total-outOffsets[0])))
		return graph.Concatenate(grads, 0)
	})

	results := make([]*graph.Node, len(outputs))
	for j, y := range outputs {
		size := y.Shape().Size()
		idx := graph.AddScalar(graph.Iota(g, shapes.Make(dtypes.Int32, size, 1), 0), outOffsets[j])
		results[j] = graph.Reshape(graph.Gather(z, idx, true), y.Shape().Dimensions...)
	}
	return results
}

// ParamCustomGradient is the context hyperparameter (a bool, default true)
// that chooses how this package's layers are differentiated: every layer
// reads it from its context when it is created (New, NewCell, NewLinear,
// NewLSTM, …), and the layer's CustomGradient setter overrides it for that
// layer. True uses the hand-derived gradients written with matrix products;
// false lets GoMLX differentiate the forward operations (same numbers, several
// times slower on the pure-Go backend). GoMLX style:
//
//	ctx.SetParam(rnn.ParamCustomGradient, false) // every layer below ctx uses autodiff
const ParamCustomGradient = "rnn_custom_gradient"

// customGradientDefault is the ParamCustomGradient hyperparameter of ctx, or
// true where ctx is nil or does not set it.
func customGradientDefault(ctx *context.Context) bool {
	if ctx == nil {
		return true
	}
	return context.GetParamOr(ctx, ParamCustomGradient, true)
}

// matmulT is x · Wᵀ for x [..., in] and W [out, in] (PyTorch's weight layout),
// contracting the last axis of both: the layout the pure-Go backend handles
// without copying its operands.
func matmulT(x, w *graph.Node) *graph.Node {
	return graph.DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{1}, nil)
}

// matmulTN is aᵀ · b for a [R, P] and b [R, Q], contracting the first axis of
// both: the weight gradient Σ_r a[r]ᵀ b[r].
func matmulTN(a, b *graph.Node) *graph.Node {
	return graph.DotGeneral(a, []int{0}, nil, b, []int{0}, nil)
}
