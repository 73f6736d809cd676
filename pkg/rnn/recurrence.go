package rnn

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Nonlinearity names accepted by Cell and RNN, as in PyTorch.
const (
	Tanh = "tanh" // the default
	ReLU = "relu"
)

// dirWeights are the graph values of one direction of one layer:
// wih [H, I], whh [H, H], and bih, bhh [H] (nil without bias).
type dirWeights struct {
	wih, whh, bih, bhh *graph.Node
}

// recurrence runs one direction of one layer of a simple RNN over a whole
// sequence:
//
//	h_t = act(x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh)
//
// x is [L, N, I] (time-major); or x is nil and idx [L, N] holds class
// indices standing for one-hot rows of x, whose product with W_ihᵀ is then a
// row lookup (exactly the same numbers). h0 is [N, H], or nil for zeros
// (then the first step skips the product with W_hh, which would be zero).
// It returns hs [L, N, H] in time order: hs[t] is the state after reading
// x[t] (for reverse, after reading x[L-1] … x[t], PyTorch's convention).
//
// The input projection of all steps is one matrix product (or lookup), with
// both biases added once. With custom, the gradient is the hand-derived BPTT
// of bpttBackward (one matrix product per step, then three for the whole
// sequence); otherwise GoMLX differentiates the forward operations.
func recurrence(x, idx, h0 *graph.Node, w dirWeights, nonlinearity string, reverse, custom bool) *graph.Node {
	if !custom {
		return recurrenceForward(x, idx, h0, w, nonlinearity, reverse, true, nil)
	}
	var steps []*graph.Node // forward's per-step states, in time order, shared with backward.
	inputs := []*graph.Node{x, h0, w.wih, w.whh, w.bih, w.bhh}
	forward := func(in []*graph.Node) []*graph.Node {
		sw := dirWeights{wih: in[2], whh: in[3], bih: in[4], bhh: in[5]}
		return []*graph.Node{recurrenceForward(in[0], idx, in[1], sw, nonlinearity, reverse, false, &steps)}
	}
	backward := func(in, _, vOut []*graph.Node) []*graph.Node {
		return bpttBackward(in, idx, steps, vOut[0], nonlinearity, reverse)
	}
	return withCustomGradient(inputs, forward, backward)[0]
}

// inputProjection is x · W_ihᵀ for x [L, N, I] as [L·N, H]; or, for class
// indices idx [L, N], the rows idx of W_ihᵀ (the same numbers as the product
// with one-hot rows, exactly).
func inputProjection(x, idx, wih *graph.Node) *graph.Node {
	if idx != nil {
		seqLen, batch := idx.Shape().Dim(0), idx.Shape().Dim(1)
		return graph.Gather(graph.Transpose(wih, 0, 1), graph.Reshape(idx, seqLen*batch, 1))
	}
	seqLen, batch, inputSize := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	return matmulT(graph.Reshape(x, seqLen*batch, inputSize), wih)
}

// recurrenceForward builds the forward recurrence. With differentiable set,
// per-step slices of the input projection are taken with Gather (whose
// gradient works on every backend) instead of Slice. If steps is not nil it
// receives the per-step states [N, H] in time order.
func recurrenceForward(x, idx, h0 *graph.Node, w dirWeights, nonlinearity string, reverse, differentiable bool, steps *[]*graph.Node) *graph.Node {
	// Mise en place.
	in := x
	if in == nil {
		in = idx
	}
	seqLen, batch := in.Shape().Dim(0), in.Shape().Dim(1)
	hidden := w.whh.Shape().Dim(0)

	// One input projection for the whole sequence, both biases fused: [L, N, H].
	proj := inputProjection(x, idx, w.wih)
	if w.bih != nil {
		proj = graph.Add(proj, graph.ExpandAxes(graph.Add(w.bih, w.bhh), 0))
	}
	proj = graph.Reshape(proj, seqLen, batch, hidden)

	states := make([]*graph.Node, seqLen)
	h := h0
	for k := range seqLen {
		t := k
		if reverse {
			t = seqLen - 1 - k
		}
		pt := timeStep(proj, t, differentiable)
		if h == nil { // zero initial state: h_0 · W_hhᵀ = 0
			h = activate(pt, nonlinearity)
		} else {
			h = activate(graph.Add(pt, matmulT(h, w.whh)), nonlinearity)
		}
		states[t] = h
	}
	if steps != nil {
		*steps = states
	}
	return graph.Stack(states, 0)
}

func activate(z *graph.Node, nonlinearity string) *graph.Node {
	if nonlinearity == ReLU {
		return graph.Max(z, graph.ZerosLike(z))
	}
	return graph.Tanh(z)
}

// activationGrad returns v · act'(z) given h = act(z): v·(1-h²) for tanh,
// v where h > 0 for relu (PyTorch's convention at 0).
func activationGrad(v, h *graph.Node, nonlinearity string) *graph.Node {
	if nonlinearity == ReLU {
		return graph.Where(graph.GreaterThan(h, graph.ZerosLike(h)), v, graph.ZerosLike(v))
	}
	return graph.Mul(v, graph.OneMinus(graph.Square(h)))
}

// bpttBackward is backpropagation through time for recurrence, written with
// matrix products. in are the recurrence's inputs [x, h0, wih, whh, bih, bhh],
// states the forward's per-step states in time order and vHs the gradient
// with respect to its output hs [L, N, H]. It returns the gradients of the
// inputs (nil for the nil ones):
//
//	δ_t   = (∂L/∂h_t + δ_next · W_hh) ⊙ act'(z_t)      one [N,H]·[H,H] product a step
//	∂W_ih = Σ_t δ_tᵀ x_t,   ∂W_hh = Σ_t δ_tᵀ h_{t-1},   ∂b_ih = ∂b_hh = Σ_t δ_t
//	∂x_t  = δ_t · W_ih,     ∂h0 = δ_first · W_hh
//
// where the sums over t are single products over the stacked [L·N, ·] matrices.
func bpttBackward(in []*graph.Node, idx *graph.Node, states []*graph.Node, vHs *graph.Node, nonlinearity string, reverse bool) []*graph.Node {
	// Mise en place.
	x, h0, wih, whh := in[0], in[1], in[2], in[3]
	seqLen, batch := vHs.Shape().Dim(0), vHs.Shape().Dim(1)
	hidden, inputSize := wih.Shape().Dim(0), wih.Shape().Dim(1)
	whhT := graph.Transpose(whh, 0, 1) // once per graph: δ·W_hh = DotGeneral(δ, W_hhᵀ) on the fast layout.

	deltas := make([]*graph.Node, seqLen)
	var carry *graph.Node // δ of the step processed after this one, times W_hh.
	for k := seqLen - 1; k >= 0; k-- {
		t := k
		if reverse {
			t = seqLen - 1 - k
		}
		gt := graph.Reshape(graph.Slice(vHs, graph.AxisElem(t)), batch, hidden)
		if carry != nil {
			gt = graph.Add(gt, carry)
		}
		delta := activationGrad(gt, states[t], nonlinearity)
		deltas[t] = delta
		if k > 0 || h0 != nil {
			carry = matmulT(delta, whhT)
		}
	}

	delta2d := graph.Reshape(graph.Stack(deltas, 0), seqLen*batch, hidden)
	grads := make([]*graph.Node, len(in))
	if x != nil {
		grads[0] = graph.Reshape(matmulT(delta2d, graph.Transpose(wih, 0, 1)), seqLen, batch, inputSize)
	}
	if h0 != nil {
		grads[1] = carry
	}
	if idx != nil {
		// One-hot input: ∂W_ih[:, i] is the sum of the δ rows whose index is i.
		zeros := graph.Zeros(wih.Graph(), shapes.Make(wih.DType(), inputSize, hidden))
		grads[2] = graph.Transpose(graph.ScatterSum(zeros, graph.Reshape(idx, seqLen*batch, 1), delta2d, false, false), 0, 1)
	} else {
		grads[2] = matmulTN(delta2d, graph.Reshape(x, seqLen*batch, inputSize))
	}
	// ∂W_hh = Σ_t δ_tᵀ h_{t-1} pairs each step's δ with the state it started
	// from; with a zero initial state the first step's term is zero and is
	// left out of the product.
	grads[3] = recurrentWeightGrad(deltas, states, h0, whh, reverse)
	if in[4] != nil {
		db := graph.ReduceSum(delta2d, 0)
		grads[4], grads[5] = db, db
	}
	return grads
}
