package rnn

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
)

// This file is the machinery the gated layers (LSTMCell, LSTM, GRUCell, GRU)
// share: one direction of one layer over a whole sequence, forward and
// hand-derived backpropagation through time, in PyTorch's formulas and
// weight layouts.

// gatedWeights are the graph values of one direction of one layer of an LSTM
// or a GRU, in PyTorch's layout, with G = 4 gates for an LSTM (i, f, g, o)
// and G = 3 for a GRU (r, z, n), stacked along the first axis: wih [G·H, I],
// whh [G·H, P] (P = proj_size, or H without projection), bih and bhh [G·H]
// (nil without bias), and for an LSTM with a projection whr [P, H] (else nil).
type gatedWeights struct {
	wih, whh, bih, bhh, whr *graph.Node
}

// timeStep is seq[t] for seq [L, ...]: taken with Gather where it must be
// differentiable (Gather's gradient works on every backend, Slice's needs
// Pad, which the pure-Go backend lacks), with Slice otherwise.
func timeStep(seq *graph.Node, t int, differentiable bool) *graph.Node {
	if differentiable {
		return graph.Gather(seq, graph.Const(seq.Graph(), []int32{int32(t)}))
	}
	return graph.Reshape(graph.Slice(seq, graph.AxisElem(t)), seq.Shape().Dimensions[1:]...)
}

// splitGates cuts the gate pre-activations z [N, k·H] into k pieces [N, H],
// in PyTorch's order. Where it must be differentiable it reshapes z to
// [k, N, H] and gathers each gate; otherwise it slices.
func splitGates(z *graph.Node, k int, differentiable bool) []*graph.Node {
	if !differentiable {
		return graph.Split(z, 1, k)
	}
	batch, hidden := z.Shape().Dim(0), z.Shape().Dim(1)/k
	zt := graph.Transpose(graph.Reshape(z, batch, k, hidden), 0, 1) // [k, N, H]
	pieces := make([]*graph.Node, k)
	for j := range pieces {
		pieces[j] = graph.Gather(zt, graph.Const(z.Graph(), []int32{int32(j)}))
	}
	return pieces
}

// splitBias cuts a bias [k·H] into k row vectors [1, H] (see splitGates).
func splitBias(b *graph.Node, k int, differentiable bool) []*graph.Node {
	return splitGates(graph.ExpandAxes(b, 0), k, differentiable)
}

// gatedInputProjection is x · W_ihᵀ (+ bias) for all steps at once: x
// [L, N, I], wih [G·H, I], bias [G·H] or nil; it returns [L, N, G·H].
func gatedInputProjection(x, wih, bias *graph.Node) *graph.Node {
	seqLen, batch, inputSize := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
	p := matmulT(graph.Reshape(x, seqLen*batch, inputSize), wih)
	if bias != nil {
		p = graph.Add(p, graph.ExpandAxes(bias, 0))
	}
	return graph.Reshape(p, seqLen, batch, wih.Shape().Dim(0))
}

// sigmoidGrad is s·(1-s), the derivative of the sigmoid given its value s.
func sigmoidGrad(s *graph.Node) *graph.Node { return graph.Mul(s, graph.OneMinus(s)) }

// tanhGrad is 1-y², the derivative of tanh given its value y.
func tanhGrad(y *graph.Node) *graph.Node { return graph.OneMinus(graph.Square(y)) }

// stepOrder returns the time index of the k-th step processed: k, or L-1-k
// for the reverse direction.
func stepOrder(k, seqLen int, reverse bool) int {
	if reverse {
		return seqLen - 1 - k
	}
	return k
}

// previous returns, for the step at time t, the state it started from:
// states[t-1] (states[t+1] in reverse), or init at the first step processed
// (nil for a zero initial state).
func previous(states []*graph.Node, t int, reverse bool, init *graph.Node) *graph.Node {
	switch {
	case !reverse && t > 0:
		return states[t-1]
	case reverse && t < len(states)-1:
		return states[t+1]
	}
	return init
}

// recurrentWeightGrad is ∂W_hh = Σ_t δ_tᵀ h_{t-1}, one product over the
// stacked [L·N, ·] matrices; the steps that start from a zero initial state
// contribute nothing and are left out.
func recurrentWeightGrad(deltas, states []*graph.Node, h0, whh *graph.Node, reverse bool) *graph.Node {
	var ds, prevs []*graph.Node
	for t := range deltas {
		if p := previous(states, t, reverse, h0); p != nil {
			ds, prevs = append(ds, deltas[t]), append(prevs, p)
		}
	}
	if len(prevs) == 0 { // a single step from a zero state
		return graph.ZerosLike(whh)
	}
	batch := deltas[0].Shape().Dim(0)
	return matmulTN(graph.Reshape(graph.Stack(ds, 0), len(ds)*batch, deltas[0].Shape().Dim(1)),
		graph.Reshape(graph.Stack(prevs, 0), len(prevs)*batch, prevs[0].Shape().Dim(1)))
}

// ----------------------------------------------------------------------- LSTM

// lstmSteps are the per-step values of an LSTM recurrence, in time order,
// kept by the forward for the backward: the gates i, f, g, o, the cell state
// c, tanh(c), hc = o ⊙ tanh(c) and the output state h (hc · W_hrᵀ with a
// projection, else hc), all [N, H] except h [N, P].
type lstmSteps struct {
	i, f, g, o, c, tc, hc, h []*graph.Node
}

// lstmRecurrence runs one direction of one layer of an LSTM over a whole
// sequence, PyTorch's formulas:
//
//	i = σ(W_ii x + b_ii + W_hi h + b_hi)   f = σ(W_if x + b_if + W_hf h + b_hf)
//	g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
//	c' = f ⊙ c + i ⊙ g                      h' = o ⊙ tanh(c')   (then h' · W_hrᵀ with proj_size)
//
// x is [L, N, I] (time-major), h0 [N, P] and c0 [N, H], each nil for zeros.
// It returns hs [L, N, P] in time order (for reverse, hs[t] is the state
// after reading x[L-1] … x[t]) and the cell state after the last step
// processed, [N, H].
//
// The input projection of all steps is one matrix product with both biases
// added once, then one [N, P]·[P, 4H] product a step. With custom, the
// gradient is lstmBackward's; otherwise GoMLX differentiates the forward.
func lstmRecurrence(x, h0, c0 *graph.Node, w gatedWeights, reverse, custom bool) (hs, cLast *graph.Node) {
	if !custom {
		return lstmForward(x, h0, c0, w, reverse, true, nil)
	}
	var st lstmSteps
	inputs := []*graph.Node{x, h0, c0, w.wih, w.whh, w.bih, w.bhh, w.whr}
	forward := func(in []*graph.Node) []*graph.Node {
		hs, cLast := lstmForward(in[0], in[1], in[2], gatedWeights{wih: in[3], whh: in[4], bih: in[5], bhh: in[6], whr: in[7]},
			reverse, false, &st)
		return []*graph.Node{hs, cLast}
	}
	backward := func(in, _, vOut []*graph.Node) []*graph.Node {
		return lstmBackward(in, &st, vOut[0], vOut[1], reverse)
	}
	out := withCustomGradient(inputs, forward, backward)
	return out[0], out[1]
}

// lstmForward builds the LSTM recurrence (see lstmRecurrence). With
// differentiable set, per-step and per-gate pieces are taken with Gather
// instead of Slice. If st is not nil it receives the per-step values.
func lstmForward(x, h0, c0 *graph.Node, w gatedWeights, reverse, differentiable bool, st *lstmSteps) (hs, cLast *graph.Node) {
	seqLen := x.Shape().Dim(0)
	var bias *graph.Node
	if w.bih != nil {
		bias = graph.Add(w.bih, w.bhh)
	}
	proj := gatedInputProjection(x, w.wih, bias) // [L, N, 4H]
	if st == nil {
		st = &lstmSteps{}
	}
	*st = lstmSteps{i: make([]*graph.Node, seqLen), f: make([]*graph.Node, seqLen), g: make([]*graph.Node, seqLen),
		o: make([]*graph.Node, seqLen), c: make([]*graph.Node, seqLen), tc: make([]*graph.Node, seqLen),
		hc: make([]*graph.Node, seqLen), h: make([]*graph.Node, seqLen)}
	h, c := h0, c0
	for k := range seqLen {
		t := stepOrder(k, seqLen, reverse)
		pre := timeStep(proj, t, differentiable)
		if h != nil { // a zero state adds nothing: h · W_hhᵀ = 0
			pre = graph.Add(pre, matmulT(h, w.whh))
		}
		gates := splitGates(pre, 4, differentiable)
		i, f, g, o := graph.Sigmoid(gates[0]), graph.Sigmoid(gates[1]), graph.Tanh(gates[2]), graph.Sigmoid(gates[3])
		if c == nil {
			c = graph.Mul(i, g)
		} else {
			c = graph.Add(graph.Mul(f, c), graph.Mul(i, g))
		}
		tc := graph.Tanh(c)
		hc := graph.Mul(o, tc)
		h = hc
		if w.whr != nil {
			h = matmulT(hc, w.whr)
		}
		st.i[t], st.f[t], st.g[t], st.o[t], st.c[t], st.tc[t], st.hc[t], st.h[t] = i, f, g, o, c, tc, hc, h
	}
	return graph.Stack(st.h, 0), c
}

// lstmBackward is backpropagation through time for lstmRecurrence, written
// with matrix products. in are [x, h0, c0, wih, whh, bih, bhh, whr], st the
// forward's per-step values, vHs [L, N, P] and vC [N, H] the gradients with
// respect to hs and to the last cell state. Going back over the steps, with
// dh the total gradient of the step's output state:
//
//	dhc = dh · W_hr (dh without projection)      dc  = dc' + dhc ⊙ o ⊙ (1 - tanh²c)
//	do  = dhc ⊙ tanh c   di = dc ⊙ g   dg = dc ⊙ i   df = dc ⊙ c_prev   dc_prev = dc ⊙ f
//	δ   = [di ⊙ i(1-i), df ⊙ f(1-f), dg ⊙ (1-g²), do ⊙ o(1-o)]      [N, 4H]
//	dh_prev = δ · W_hh                             one [N,4H]·[4H,P] product a step
//
// then, each a single product over the stacked [L·N, ·] matrices,
// ∂x = δ · W_ih, ∂W_ih = Σ δᵀ x, ∂W_hh = Σ δᵀ h_prev, ∂W_hr = Σ dhᵀ hc, and
// ∂b_ih = ∂b_hh = Σ δ; ∂h0 and ∂c0 are the first step's dh_prev and dc_prev.
func lstmBackward(in []*graph.Node, st *lstmSteps, vHs, vC *graph.Node, reverse bool) []*graph.Node {
	// Mise en place.
	x, h0, c0, wih, whh, whr := in[0], in[1], in[2], in[3], in[4], in[7]
	seqLen, batch, out := vHs.Shape().Dim(0), vHs.Shape().Dim(1), vHs.Shape().Dim(2)
	gateSize, inputSize := wih.Shape().Dim(0), wih.Shape().Dim(1)
	whhT := graph.Transpose(whh, 0, 1) // once per graph: δ·W_hh = DotGeneral(δ, W_hhᵀ) on the fast layout.
	var whrT *graph.Node
	if whr != nil {
		whrT = graph.Transpose(whr, 0, 1)
	}

	deltas := make([]*graph.Node, seqLen)
	dhs := make([]*graph.Node, seqLen) // total gradient of each step's output state
	var dhCarry *graph.Node            // from the step processed after this one
	dc := vC                           // gradient of the cell state the step produced
	for k := seqLen - 1; k >= 0; k-- {
		t := stepOrder(k, seqLen, reverse)
		dh := timeStep(vHs, t, false)
		if dhCarry != nil {
			dh = graph.Add(dh, dhCarry)
		}
		dhs[t] = dh
		dhc := dh
		if whr != nil {
			dhc = matmulT(dh, whrT)
		}
		i, f, g, o, tc := st.i[t], st.f[t], st.g[t], st.o[t], st.tc[t]
		dc = graph.Add(dc, graph.Mul(graph.Mul(dhc, o), tanhGrad(tc)))
		dI := graph.Mul(graph.Mul(dc, g), sigmoidGrad(i))
		dG := graph.Mul(graph.Mul(dc, i), tanhGrad(g))
		dO := graph.Mul(graph.Mul(dhc, tc), sigmoidGrad(o))
		var dF *graph.Node
		if cPrev := previous(st.c, t, reverse, c0); cPrev != nil {
			dF = graph.Mul(graph.Mul(dc, cPrev), sigmoidGrad(f))
		} else { // f multiplies a zero cell state
			dF = graph.ZerosLike(dI)
		}
		delta := graph.Concatenate([]*graph.Node{dI, dF, dG, dO}, 1)
		deltas[t] = delta
		if k > 0 || c0 != nil {
			dc = graph.Mul(dc, f)
		}
		if k > 0 || h0 != nil {
			dhCarry = matmulT(delta, whhT)
		}
	}

	delta2d := graph.Reshape(graph.Stack(deltas, 0), seqLen*batch, gateSize)
	grads := make([]*graph.Node, len(in))
	grads[0] = graph.Reshape(matmulT(delta2d, graph.Transpose(wih, 0, 1)), seqLen, batch, inputSize)
	if h0 != nil {
		grads[1] = dhCarry
	}
	if c0 != nil {
		grads[2] = dc
	}
	grads[3] = matmulTN(delta2d, graph.Reshape(x, seqLen*batch, inputSize))
	grads[4] = recurrentWeightGrad(deltas, st.h, h0, whh, reverse)
	if in[5] != nil {
		db := graph.ReduceSum(delta2d, 0)
		grads[5], grads[6] = db, db
	}
	if whr != nil {
		hidden := whr.Shape().Dim(1)
		grads[7] = matmulTN(graph.Reshape(graph.Stack(dhs, 0), seqLen*batch, out),
			graph.Reshape(graph.Stack(st.hc, 0), seqLen*batch, hidden))
	}
	return grads
}

// ------------------------------------------------------------------------ GRU

// gruSteps are the per-step values of a GRU recurrence, in time order, kept
// by the forward for the backward: the gates r, z, n, ghn = W_hn h + b_hn
// (nil where it is zero: a zero state without bias) and the state h, all [N, H].
type gruSteps struct {
	r, z, n, ghn, h []*graph.Node
}

// gruRecurrence runs one direction of one layer of a GRU over a whole
// sequence, PyTorch's formulas:
//
//	r = σ(W_ir x + b_ir + W_hr h + b_hr)   z = σ(W_iz x + b_iz + W_hz h + b_hz)
//	n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//	h' = (1 - z) ⊙ n + z ⊙ h               (computed as PyTorch does: (h - n) ⊙ z + n)
//
// x is [L, N, I] (time-major), h0 [N, H] or nil for zeros. It returns hs
// [L, N, H] in time order (for reverse, hs[t] is the state after reading
// x[L-1] … x[t]).
//
// The input projection of all steps (with b_ih) is one matrix product, then
// one [N, H]·[H, 3H] product a step. With custom, the gradient is
// gruBackward's; otherwise GoMLX differentiates the forward.
func gruRecurrence(x, h0 *graph.Node, w gatedWeights, reverse, custom bool) *graph.Node {
	if !custom {
		return gruForward(x, h0, w, reverse, true, nil)
	}
	var st gruSteps
	inputs := []*graph.Node{x, h0, w.wih, w.whh, w.bih, w.bhh}
	forward := func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{gruForward(in[0], in[1], gatedWeights{wih: in[2], whh: in[3], bih: in[4], bhh: in[5]},
			reverse, false, &st)}
	}
	backward := func(in, _, vOut []*graph.Node) []*graph.Node {
		return gruBackward(in, &st, vOut[0], reverse)
	}
	return withCustomGradient(inputs, forward, backward)[0]
}

// gruForward builds the GRU recurrence (see gruRecurrence). With
// differentiable set, per-step and per-gate pieces are taken with Gather
// instead of Slice. If st is not nil it receives the per-step values.
func gruForward(x, h0 *graph.Node, w gatedWeights, reverse, differentiable bool, st *gruSteps) *graph.Node {
	seqLen := x.Shape().Dim(0)
	proj := gatedInputProjection(x, w.wih, w.bih) // [L, N, 3H]
	var bhh []*graph.Node                         // b_hr, b_hz, b_hn as [1, H], for the steps from a zero state
	if w.bhh != nil {
		bhh = splitBias(w.bhh, 3, differentiable)
	}
	if st == nil {
		st = &gruSteps{}
	}
	*st = gruSteps{r: make([]*graph.Node, seqLen), z: make([]*graph.Node, seqLen), n: make([]*graph.Node, seqLen),
		ghn: make([]*graph.Node, seqLen), h: make([]*graph.Node, seqLen)}
	h := h0
	for k := range seqLen {
		t := stepOrder(k, seqLen, reverse)
		gi := splitGates(timeStep(proj, t, differentiable), 3, differentiable)
		gh := bhh // h · W_hhᵀ + b_hh, pieces; nil where zero
		if h != nil {
			hh := matmulT(h, w.whh)
			if w.bhh != nil {
				hh = graph.Add(hh, graph.ExpandAxes(w.bhh, 0))
			}
			gh = splitGates(hh, 3, differentiable)
		}
		var r, z, n *graph.Node
		if gh != nil {
			r = graph.Sigmoid(graph.Add(gi[0], gh[0]))
			z = graph.Sigmoid(graph.Add(gi[1], gh[1]))
			n = graph.Tanh(graph.Add(gi[2], graph.Mul(gh[2], r)))
			st.ghn[t] = gh[2]
		} else {
			r = graph.Sigmoid(gi[0])
			z = graph.Sigmoid(gi[1])
			n = graph.Tanh(gi[2])
		}
		if h != nil {
			h = graph.Add(graph.Mul(graph.Sub(h, n), z), n)
		} else {
			h = graph.Add(graph.Mul(graph.Neg(n), z), n)
		}
		st.r[t], st.z[t], st.n[t], st.h[t] = r, z, n, h
	}
	return graph.Stack(st.h, 0)
}

// gruBackward is backpropagation through time for gruRecurrence, written
// with matrix products. in are [x, h0, wih, whh, bih, bhh], st the forward's
// per-step values and vHs [L, N, H] the gradient with respect to hs. Going
// back over the steps, with dh the total gradient of the step's state:
//
//	dn~ = dh ⊙ (1-z) ⊙ (1-n²)   dz~ = dh ⊙ (h_prev - n) ⊙ z(1-z)   dr~ = dn~ ⊙ ghn ⊙ r(1-r)
//	δi = [dr~, dz~, dn~]   δh = [dr~, dz~, dn~ ⊙ r]                  [N, 3H] each
//	dh_prev = dh ⊙ z + δh · W_hh                  one [N,3H]·[3H,H] product a step
//
// then, each a single product over the stacked [L·N, ·] matrices,
// ∂x = δi · W_ih, ∂W_ih = Σ δiᵀ x, ∂W_hh = Σ δhᵀ h_prev, ∂b_ih = Σ δi,
// ∂b_hh = Σ δh; ∂h0 is the first step's dh_prev.
func gruBackward(in []*graph.Node, st *gruSteps, vHs *graph.Node, reverse bool) []*graph.Node {
	// Mise en place.
	x, h0, wih, whh := in[0], in[1], in[2], in[3]
	seqLen, batch := vHs.Shape().Dim(0), vHs.Shape().Dim(1)
	gateSize, inputSize := wih.Shape().Dim(0), wih.Shape().Dim(1)
	whhT := graph.Transpose(whh, 0, 1)

	deltasI := make([]*graph.Node, seqLen)
	deltasH := make([]*graph.Node, seqLen)
	var dhCarry *graph.Node
	for k := seqLen - 1; k >= 0; k-- {
		t := stepOrder(k, seqLen, reverse)
		dh := timeStep(vHs, t, false)
		if dhCarry != nil {
			dh = graph.Add(dh, dhCarry)
		}
		r, z, n := st.r[t], st.z[t], st.n[t]
		hPrev := previous(st.h, t, reverse, h0)
		dnPre := graph.Mul(graph.Mul(dh, graph.OneMinus(z)), tanhGrad(n))
		var dz *graph.Node
		if hPrev != nil {
			dz = graph.Mul(dh, graph.Sub(hPrev, n))
		} else {
			dz = graph.Neg(graph.Mul(dh, n))
		}
		dzPre := graph.Mul(dz, sigmoidGrad(z))
		var drPre *graph.Node
		if ghn := st.ghn[t]; ghn != nil {
			drPre = graph.Mul(graph.Mul(dnPre, ghn), sigmoidGrad(r))
		} else { // r multiplies zero
			drPre = graph.ZerosLike(dnPre)
		}
		deltasI[t] = graph.Concatenate([]*graph.Node{drPre, dzPre, dnPre}, 1)
		deltasH[t] = graph.Concatenate([]*graph.Node{drPre, dzPre, graph.Mul(dnPre, r)}, 1)
		if k > 0 || h0 != nil {
			dhCarry = graph.Add(graph.Mul(dh, z), matmulT(deltasH[t], whhT))
		}
	}

	deltaI2d := graph.Reshape(graph.Stack(deltasI, 0), seqLen*batch, gateSize)
	grads := make([]*graph.Node, len(in))
	grads[0] = graph.Reshape(matmulT(deltaI2d, graph.Transpose(wih, 0, 1)), seqLen, batch, inputSize)
	if h0 != nil {
		grads[1] = dhCarry
	}
	grads[2] = matmulTN(deltaI2d, graph.Reshape(x, seqLen*batch, inputSize))
	grads[3] = recurrentWeightGrad(deltasH, st.h, h0, whh, reverse)
	if in[4] != nil {
		grads[4] = graph.ReduceSum(deltaI2d, 0)
	}
	if in[5] != nil {
		grads[5] = graph.ReduceSum(graph.Reshape(graph.Stack(deltasH, 0), seqLen*batch, gateSize), 0)
	}
	return grads
}

// ------------------------------------------------------------- validation

// checkInput checks a sequence input x, [L, N, I], [N, L, I] with batch
// first, or unbatched [L, I], and returns it time-major [L, N, I] and
// whether it was unbatched.
func checkInput(who string, x *graph.Node, inputSize int, dtype dtypes.DType, batchFirst bool) (*graph.Node, bool) {
	layout := "[seq_len, batch, input_size]"
	if batchFirst {
		layout = "[batch, seq_len, input_size] (batch_first)"
	}
	switch {
	case x == nil:
		panicf("%s: input is nil", who)
	case x.Rank() != 2 && x.Rank() != 3:
		panicf("%s: input must be 2-D [seq_len, input_size] (unbatched) or 3-D %s, got %d-D %v",
			who, layout, x.Rank(), x.Shape().Dimensions)
	case x.Shape().Dim(-1) != inputSize:
		panicf("%s: input size: expected %d, got %d (input shape %v)", who, inputSize, x.Shape().Dim(-1), x.Shape().Dimensions)
	case x.DType() != dtype:
		panicf("%s: input dtype: expected %s, got %s", who, dtype, x.DType())
	}
	for _, d := range x.Shape().Dimensions[:x.Rank()-1] {
		if d == 0 { // the input's shape as given, in its own layout
			panicf("%s: empty input %v (%s): the sequence length and the batch must be positive", who, x.Shape().Dimensions, layout)
		}
	}
	unbatched := x.Rank() == 2
	if unbatched {
		x = graph.ExpandAxes(x, 1) // [L, 1, I]
	} else if batchFirst {
		x = graph.Transpose(x, 0, 1) // [L, N, I]
	}
	return x, unbatched
}

// checkState checks an initial state s (nil is fine: zeros) against its
// expected dimensions and dtype; unbatched states are returned with a batch
// axis inserted at batchAxis.
func checkState(who, name string, s *graph.Node, want []int, dtype dtypes.DType, unbatched bool, batchAxis int) *graph.Node {
	if s == nil {
		return nil
	}
	if !slices.Equal(s.Shape().Dimensions, want) {
		panicf("%s: %s: expected shape %v, got %v", who, name, want, s.Shape().Dimensions)
	}
	if s.DType() != dtype {
		panicf("%s: %s dtype: expected %s, got %s", who, name, dtype, s.DType())
	}
	if unbatched {
		s = graph.ExpandAxes(s, batchAxis)
	}
	return s
}

// checkStatePair checks that an LSTM's hidden and cell states are given
// together (or both nil, for zeros), as PyTorch's (h_0, c_0) tuple.
func checkStatePair(who, hName, cName string, h, c *graph.Node, wantH, wantC []int) {
	if (h == nil) == (c == nil) {
		return
	}
	given, missing, node := hName, cName, h
	if h == nil {
		given, missing, node = cName, hName, c
	}
	hint := ""
	if node.Rank() == len(wantH)+1 && node.Shape().Dim(0) == 2 {
		hint = fmt.Sprintf(" (a stacked (%s, %s) pair? pass them as two tensors)", hName, cName)
	}
	panicf("%s: %s given without %s: give both, %s %v and %s %v, or both nil for zero states; got %s %v%s",
		who, given, missing, hName, wantH, cName, wantC, given, node.Shape().Dimensions, hint)
}
