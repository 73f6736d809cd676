package rnn

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
)

// LSTMCell is torch.nn.LSTMCell(input_size, hidden_size, bias=True): one
// step of a long short-term memory network (Hochreiter & Schmidhuber 1997),
// with PyTorch's gates and formulas:
//
//	i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
//	g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
//	c' = f ⊙ c + i ⊙ g                       h' = o ⊙ tanh(c')
//
// Its parameters, in named_parameters() order, are weight_ih [4H, I] and
// weight_hh [4H, H] (the gates' weights stacked in the order i, f, g, o),
// bias_ih [4H] and bias_hh [4H], all initialised from U(-1/√H, 1/√H) as in
// PyTorch (with GoMLX's random generator: seed it with
// context.ParamInitialSeed). They are context variables in ctx's scope.
//
//	cell, err := rnn.NewLSTMCell(ctx.In("cell"), 10, 20).Done()
//	…
//	h, c = cell.Forward(x, h, c) // x [N, 10]; h, c [N, 20], or both nil for zeros
type LSTMCell struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	bias                  bool
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// NewLSTMCell starts the configuration of an LSTMCell with the given input
// and hidden sizes, whose variables live in ctx's current scope. Defaults,
// as in PyTorch: Bias true, DType Float32; plus CustomGradient from ctx's
// ParamCustomGradient (true where unset).
func NewLSTMCell(ctx *context.Context, inputSize, hiddenSize int) *LSTMCell {
	lc := &LSTMCell{builder: builder{kind: "LSTMCell"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize,
		bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		lc.err = errors.New("rnn.NewLSTMCell: ctx is nil")
	}
	return lc
}

// Bias sets whether to use bias_ih and bias_hh (default true).
func (lc *LSTMCell) Bias(bias bool) *LSTMCell {
	if lc.change("Bias") {
		lc.bias = bias
	}
	return lc
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (lc *LSTMCell) DType(dtype dtypes.DType) *LSTMCell {
	if lc.change("DType") {
		lc.dtype = dtype
	}
	return lc
}

// CustomGradient chooses how gradients are computed: true (the default, or
// ctx's ParamCustomGradient) uses the hand-derived step gradient written
// with matrix products (much faster on the pure-Go backend); false lets GoMLX
// differentiate the forward operations. Both give the same numbers, for the
// weights and for x, h and c whatever they are (variables, graph inputs,
// constants, computed nodes).
func (lc *LSTMCell) CustomGradient(custom bool) *LSTMCell {
	if lc.change("CustomGradient") {
		lc.customGradient = custom
	}
	return lc
}

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same cell.
func (lc *LSTMCell) Done() (*LSTMCell, error) {
	if lc.err != nil {
		return nil, lc.err
	}
	if lc.done {
		return lc, nil
	}
	if err := validateSizes("rnn.NewLSTMCell", lc.inputSize, lc.hiddenSize, Tanh, lc.dtype); err != nil {
		return nil, err
	}
	params, err := createParams(lc.ctx, gatedSpecs("", 4, lc.inputSize, lc.hiddenSize, lc.hiddenSize, 0, lc.bias),
		lc.dtype, uniformInit(lc.ctx, invSqrt(lc.hiddenSize)))
	if err != nil {
		return nil, err
	}
	lc.params = params
	lc.done = true
	return lc, nil
}

// NamedParameters returns the parameters in PyTorch's order: weight_ih,
// weight_hh, bias_ih, bias_hh (the biases only with Bias(true)).
func (lc *LSTMCell) NamedParameters() []Parameter { return lc.params }

// InputSize is I.
func (lc *LSTMCell) InputSize() int { return lc.inputSize }

// HiddenSize is H, the size of h and c.
func (lc *LSTMCell) HiddenSize() int { return lc.hiddenSize }

// Forward applies one step: x is [N, I] (batched) or [I] (unbatched); h and
// c are [N, H] / [H], or both nil for zeros (PyTorch's hx=None); giving one
// without the other is an error. It returns h' and c', shaped like h and c.
// Wrong shapes panic with an error naming what was expected and what was
// got; GoMLX's Exec returns it as an error.
func (lc *LSTMCell) Forward(x, h, c *graph.Node) (hNext, cNext *graph.Node) {
	const who = "rnn.LSTMCell"
	if !lc.done {
		panicf("rnn.LSTMCell.Forward called before Done")
	}
	xs, batch, unbatched := checkCellInput(who, x, lc.inputSize, lc.dtype)
	want := stateDims(unbatched, batch, lc.hiddenSize)
	checkStatePair(who, "h", "c", h, c, want, want)
	h = checkState(who, "h", h, want, lc.dtype, unbatched, 0)
	c = checkState(who, "c", c, want, lc.dtype, unbatched, 0)
	hs, cLast := lstmRecurrence(xs, h, c, gatedParams(xs.Graph(), lc.params, lc.bias, false), false, lc.customGradient)
	return graph.Reshape(hs, want...), graph.Reshape(cLast, want...)
}

// LSTM is torch.nn.LSTM(input_size, hidden_size, num_layers=1, bias=True,
// batch_first=False, dropout=0, bidirectional=False, proj_size=0): a
// multi-layer long short-term memory network over a whole sequence. For
// each layer k and direction, at each step (see LSTMCell for the gates),
//
//	c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t      h_t = o_t ⊙ tanh(c_t)   (· W_hr_lkᵀ with proj_size > 0)
//
// where the input of layer k > 0 is the output of layer k-1 (both directions
// concatenated), with dropout in between while training. With proj_size
// P > 0 the output state h_t is projected to P values (the cell state keeps
// H), as in PyTorch; below, P = H without projection.
//
// Parameters, in named_parameters() order, for each layer k then each
// direction ("" then "_reverse"): weight_ih_l{k} [4H, I] for k = 0 and
// [4H, D·P] above (D = 2 if bidirectional, else 1), weight_hh_l{k} [4H, P],
// bias_ih_l{k} [4H], bias_hh_l{k} [4H], and with proj_size weight_hr_l{k}
// [P, H]; the gates are stacked in the order i, f, g, o; all initialised
// from U(-1/√H, 1/√H) as in PyTorch. They are context variables in ctx's
// scope, so a state_dict of nn.LSTM loads by name (LoadStateDict).
//
// The graph is unrolled: its size is O(L) in the sequence length L, and a
// graph is built per input shape.
//
//	m, err := rnn.NewLSTM(ctx.In("lstm"), 10, 20).NumLayers(2).BatchFirst(true).Done()
//	…
//	out, hN, cN := m.Forward(x, nil, nil) // x [N, L, 10] → out [N, L, 20], hN and cN [2, N, 20]
type LSTM struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	numLayers, projSize   int
	bias, batchFirst      bool
	bidirectional         bool
	dropout               float64
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// NewLSTM starts the configuration of an LSTM with the given input and
// hidden sizes, whose variables live in ctx's current scope. Defaults, as in
// PyTorch: NumLayers 1, Bias true, BatchFirst false, Dropout 0,
// Bidirectional false, ProjSize 0 (none), DType Float32; plus CustomGradient
// from ctx's ParamCustomGradient (true where unset).
func NewLSTM(ctx *context.Context, inputSize, hiddenSize int) *LSTM {
	m := &LSTM{builder: builder{kind: "LSTM"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: 1,
		bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		m.err = errors.New("rnn.NewLSTM: ctx is nil")
	}
	return m
}

// NumLayers sets the number of stacked layers (default 1).
func (m *LSTM) NumLayers(n int) *LSTM {
	if m.change("NumLayers") {
		m.numLayers = n
	}
	return m
}

// Bias sets whether to use the bias_ih/bias_hh parameters (default true).
func (m *LSTM) Bias(bias bool) *LSTM {
	if m.change("Bias") {
		m.bias = bias
	}
	return m
}

// BatchFirst makes the input and output [N, L, ·] instead of [L, N, ·]
// (default false). As in PyTorch it never applies to h0, c0, h_n and c_n.
func (m *LSTM) BatchFirst(batchFirst bool) *LSTM {
	if m.change("BatchFirst") {
		m.batchFirst = batchFirst
	}
	return m
}

// Dropout sets the probability, in [0, 1), of zeroing an element of each
// layer's output except the last layer's, while training only (default 0).
func (m *LSTM) Dropout(p float64) *LSTM {
	if m.change("Dropout") {
		m.dropout = p
	}
	return m
}

// Bidirectional adds a reverse direction to every layer (default false).
func (m *LSTM) Bidirectional(bidirectional bool) *LSTM {
	if m.change("Bidirectional") {
		m.bidirectional = bidirectional
	}
	return m
}

// ProjSize sets proj_size: 0 (the default) for none, or P in [1, H) to
// project every output state h_t to P values with weight_hr (PyTorch's "LSTM
// with projections"); the output, h0 and h_n then have P features instead of
// H, while c0 and c_n keep H.
func (m *LSTM) ProjSize(p int) *LSTM {
	if m.change("ProjSize") {
		m.projSize = p
	}
	return m
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (m *LSTM) DType(dtype dtypes.DType) *LSTM {
	if m.change("DType") {
		m.dtype = dtype
	}
	return m
}

// CustomGradient chooses how gradients are computed: true (the default, or
// ctx's ParamCustomGradient) uses hand-derived backpropagation through time
// written with matrix products (one [N,4H]·[4H,H] product a step, then one
// per weight for the whole sequence: several times faster on the pure-Go
// backend); false lets GoMLX differentiate the forward operations. Both give
// the same numbers, for the weights and for x, h0 and c0 whatever they are
// (variables, graph inputs, constants, computed nodes).
func (m *LSTM) CustomGradient(custom bool) *LSTM {
	if m.change("CustomGradient") {
		m.customGradient = custom
	}
	return m
}

// NumDirections is D: 2 if bidirectional, else 1.
func (m *LSTM) NumDirections() int {
	if m.bidirectional {
		return 2
	}
	return 1
}

// InputSize is I.
func (m *LSTM) InputSize() int { return m.inputSize }

// HiddenSize is H, the size of the cell state (and of the output state
// without projection).
func (m *LSTM) HiddenSize() int { return m.hiddenSize }

// outSize is P: the size of the output state h, proj_size or H.
func (m *LSTM) outSize() int {
	if m.projSize > 0 {
		return m.projSize
	}
	return m.hiddenSize
}

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same LSTM.
func (m *LSTM) Done() (*LSTM, error) {
	const who = "rnn.NewLSTM"
	if m.err != nil {
		return nil, m.err
	}
	if m.done {
		return m, nil
	}
	if err := validateSizes(who, m.inputSize, m.hiddenSize, Tanh, m.dtype); err != nil {
		return nil, err
	}
	if err := validateStack(who, m.numLayers, m.dropout); err != nil {
		return nil, err
	}
	switch {
	case m.projSize < 0:
		return nil, fmt.Errorf("%s: proj_size should be a positive integer or zero to disable projections, got %d", who, m.projSize)
	case m.projSize >= m.hiddenSize:
		return nil, fmt.Errorf("%s: proj_size has to be smaller than hidden_size, got proj_size %d and hidden_size %d",
			who, m.projSize, m.hiddenSize)
	}
	var specs []paramSpec
	out := m.outSize()
	for layer := range m.numLayers {
		in := m.inputSize
		if layer > 0 {
			in = m.NumDirections() * out
		}
		for dir := range m.NumDirections() {
			specs = append(specs, gatedSpecs(layerSuffix(layer, dir), 4, in, m.hiddenSize, out, m.projSize, m.bias)...)
		}
	}
	params, err := createParams(m.ctx, specs, m.dtype, uniformInit(m.ctx, invSqrt(m.hiddenSize)))
	if err != nil {
		return nil, err
	}
	m.params = params
	m.done = true
	return m, nil
}

// NamedParameters returns the parameters in PyTorch's order (see LSTM).
func (m *LSTM) NamedParameters() []Parameter { return m.params }

// Forward runs the LSTM over a whole sequence.
//
//   - x: [L, N, I], or [N, L, I] with BatchFirst, or unbatched [L, I].
//   - h0: [D·num_layers, N, P] (unbatched: [D·num_layers, P]) and c0:
//     [D·num_layers, N, H] (unbatched: [D·num_layers, H]), PyTorch's
//     (h_0, c_0); both nil for zeros. Giving one without the other is an
//     error. BatchFirst does not apply to them.
//
// It returns output [L, N, D·P] ([N, L, D·P] with BatchFirst, [L, D·P]
// unbatched): the last layer's output state at every step, both directions
// concatenated; and hN, cN, shaped like h0 and c0: every layer's and
// direction's final states, ordered layer by layer, forward before reverse.
// (P = proj_size, or H without projection.)
//
// Wrong shapes panic with an error naming what was expected and what was
// got; GoMLX's Exec returns it as an error.
func (m *LSTM) Forward(x, h0, c0 *graph.Node) (output, hN, cN *graph.Node) {
	const who = "rnn.LSTM"
	if !m.done {
		panicf("rnn.LSTM.Forward called before Done")
	}
	x, unbatched := checkInput(who, x, m.inputSize, m.dtype, m.batchFirst)
	g := x.Graph()
	seqLen, batch := x.Shape().Dim(0), x.Shape().Dim(1)
	numDirs := m.NumDirections()
	numStates := numDirs * m.numLayers
	out, hidden := m.outSize(), m.hiddenSize
	wantH, wantC := []int{numStates, batch, out}, []int{numStates, batch, hidden}
	if unbatched {
		wantH, wantC = []int{numStates, out}, []int{numStates, hidden}
	}
	checkStatePair(who, "h0", "c0", h0, c0, wantH, wantC)
	h0 = checkState(who, "h0", h0, wantH, m.dtype, unbatched, 1)
	c0 = checkState(who, "c0", c0, wantC, m.dtype, unbatched, 1)

	layerInput := x
	hFinals := make([]*graph.Node, 0, numStates)
	cFinals := make([]*graph.Node, 0, numStates)
	perDir := len(m.params) / numStates
	for layer := range m.numLayers {
		if layer > 0 && m.dropout > 0 {
			layerInput = layers.DropoutStatic(m.ctx, layerInput, m.dropout)
		}
		outs := make([]*graph.Node, numDirs)
		for dir := range numDirs {
			state := layer*numDirs + dir // index into h0, c0, hN and cN
			hInit, cInit := stateAt(h0, state), stateAt(c0, state)
			w := gatedParams(g, m.params[state*perDir:(state+1)*perDir], m.bias, m.projSize > 0)
			hs, cLast := lstmRecurrence(layerInput, hInit, cInit, w, dir == 1, m.customGradient)
			outs[dir] = hs
			hFinals = append(hFinals, lastState(hs, dir == 1))
			cFinals = append(cFinals, cLast)
		}
		if numDirs == 1 {
			layerInput = outs[0]
		} else {
			layerInput = graph.Concatenate(outs, -1)
		}
	}
	output, hN, cN = layerInput, graph.Stack(hFinals, 0), graph.Stack(cFinals, 0)
	switch {
	case unbatched:
		output = graph.Reshape(output, seqLen, numDirs*out)
		hN = graph.Reshape(hN, numStates, out)
		cN = graph.Reshape(cN, numStates, hidden)
	case m.batchFirst:
		output = graph.Transpose(output, 0, 1)
	}
	return output, hN, cN
}

// ------------------------------------------------------- shared by the layers

// layerSuffix is PyTorch's parameter-name suffix of a layer and direction:
// "_l0", "_l1_reverse", …
func layerSuffix(layer, dir int) string {
	s := fmt.Sprintf("_l%d", layer)
	if dir == 1 {
		s += "_reverse"
	}
	return s
}

// gatedSpecs are the parameters of one direction of one layer of a gated
// recurrence with numGates gates, in PyTorch's order: weight_ih [G·H, in],
// weight_hh [G·H, out], bias_ih and bias_hh [G·H] (with bias), weight_hr
// [proj, H] (with proj > 0).
func gatedSpecs(suffix string, numGates, in, hidden, out, proj int, bias bool) []paramSpec {
	specs := []paramSpec{{"weight_ih" + suffix, []int{numGates * hidden, in}}, {"weight_hh" + suffix, []int{numGates * hidden, out}}}
	if bias {
		specs = append(specs, paramSpec{"bias_ih" + suffix, []int{numGates * hidden}}, paramSpec{"bias_hh" + suffix, []int{numGates * hidden}})
	}
	if proj > 0 {
		specs = append(specs, paramSpec{"weight_hr" + suffix, []int{proj, hidden}})
	}
	return specs
}

// gatedParams are the graph values of the parameters of one direction of one
// layer, in gatedSpecs' order.
func gatedParams(g *graph.Graph, p []Parameter, bias, proj bool) gatedWeights {
	w := gatedWeights{wih: p[0].Variable.ValueGraph(g), whh: p[1].Variable.ValueGraph(g)}
	next := 2
	if bias {
		w.bih, w.bhh = p[2].Variable.ValueGraph(g), p[3].Variable.ValueGraph(g)
		next = 4
	}
	if proj {
		w.whr = p[next].Variable.ValueGraph(g)
	}
	return w
}

// stateAt is states[i] for the stacked initial states [D·layers, N, ·], or
// nil (zeros) when states is nil.
func stateAt(states *graph.Node, i int) *graph.Node {
	if states == nil {
		return nil
	}
	return graph.Gather(states, graph.Const(states.Graph(), []int32{int32(i)}))
}

// lastState is the final state of a direction from its states hs [L, N, ·]
// in time order: hs[L-1], or hs[0] for the reverse direction.
func lastState(hs *graph.Node, reverse bool) *graph.Node {
	last := hs.Shape().Dim(0) - 1
	if reverse {
		last = 0
	}
	return graph.Gather(hs, graph.Const(hs.Graph(), []int32{int32(last)}))
}

// checkCellInput checks a cell's input x, [N, I] or unbatched [I], and
// returns it as a one-step sequence [1, N, I], with N and whether it was
// unbatched.
func checkCellInput(who string, x *graph.Node, inputSize int, dtype dtypes.DType) (xs *graph.Node, batch int, unbatched bool) {
	switch {
	case x == nil:
		panicf("%s: input is nil", who)
	case x.Rank() != 1 && x.Rank() != 2:
		panicf("%s: input must be 1-D [input_size] or 2-D [batch, input_size], got %d-D %v", who, x.Rank(), x.Shape().Dimensions)
	case x.Shape().Dim(-1) != inputSize:
		panicf("%s: input size: expected %d, got %d (input shape %v)", who, inputSize, x.Shape().Dim(-1), x.Shape().Dimensions)
	case x.DType() != dtype:
		panicf("%s: input dtype: expected %s, got %s", who, dtype, x.DType())
	}
	unbatched = x.Rank() == 1
	if unbatched {
		x = graph.ExpandAxes(x, 0)
	}
	batch = x.Shape().Dim(0)
	if batch == 0 {
		panicf("%s: empty input %v: the batch must be positive", who, x.Shape().Dimensions)
	}
	return graph.ExpandAxes(x, 0), batch, unbatched
}

// stateDims is a cell's state shape: [N, H], or [H] unbatched.
func stateDims(unbatched bool, batch, hidden int) []int {
	if unbatched {
		return []int{hidden}
	}
	return []int{batch, hidden}
}
