package rnn

import (
	"errors"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
)

// GRUCell is torch.nn.GRUCell(input_size, hidden_size, bias=True): one step
// of a gated recurrent unit (Cho et al. 2014), with PyTorch's gates and
// formulas:
//
//	r = σ(W_ir x + b_ir + W_hr h + b_hr)
//	z = σ(W_iz x + b_iz + W_hz h + b_hz)
//	n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//	h' = (1 - z) ⊙ n + z ⊙ h
//
// Its parameters, in named_parameters() order, are weight_ih [3H, I] and
// weight_hh [3H, H] (the gates' weights stacked in the order r, z, n),
// bias_ih [3H] and bias_hh [3H], all initialised from U(-1/√H, 1/√H) as in
// PyTorch (with GoMLX's random generator: seed it with
// context.ParamInitialSeed). They are context variables in ctx's scope.
//
//	cell, err := rnn.NewGRUCell(ctx.In("cell"), 10, 20).Done()
//	…
//	h = cell.Forward(x, h) // x [N, 10], h [N, 20] or nil for zeros
type GRUCell struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	bias                  bool
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// NewGRUCell starts the configuration of a GRUCell with the given input and
// hidden sizes, whose variables live in ctx's current scope. Defaults, as in
// PyTorch: Bias true, DType Float32; plus CustomGradient from ctx's
// ParamCustomGradient (true where unset).
func NewGRUCell(ctx *context.Context, inputSize, hiddenSize int) *GRUCell {
	c := &GRUCell{builder: builder{kind: "GRUCell"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize,
		bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		c.err = errors.New("rnn.NewGRUCell: ctx is nil")
	}
	return c
}

// Bias sets whether to use bias_ih and bias_hh (default true).
func (c *GRUCell) Bias(bias bool) *GRUCell {
	if c.change("Bias") {
		c.bias = bias
	}
	return c
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (c *GRUCell) DType(dtype dtypes.DType) *GRUCell {
	if c.change("DType") {
		c.dtype = dtype
	}
	return c
}

// CustomGradient chooses how gradients are computed: true (the default, or
// ctx's ParamCustomGradient) uses the hand-derived step gradient written
// with matrix products (much faster on the pure-Go backend); false lets GoMLX
// differentiate the forward operations. Both give the same numbers, for the
// weights and for x and h whatever they are (variables, graph inputs,
// constants, computed nodes).
func (c *GRUCell) CustomGradient(custom bool) *GRUCell {
	if c.change("CustomGradient") {
		c.customGradient = custom
	}
	return c
}

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same cell.
func (c *GRUCell) Done() (*GRUCell, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.done {
		return c, nil
	}
	if err := validateSizes("rnn.NewGRUCell", c.inputSize, c.hiddenSize, Tanh, c.dtype); err != nil {
		return nil, err
	}
	params, err := createParams(c.ctx, gatedSpecs("", 3, c.inputSize, c.hiddenSize, c.hiddenSize, 0, c.bias),
		c.dtype, uniformInit(c.ctx, invSqrt(c.hiddenSize)))
	if err != nil {
		return nil, err
	}
	c.params = params
	c.done = true
	return c, nil
}

// NamedParameters returns the parameters in PyTorch's order: weight_ih,
// weight_hh, bias_ih, bias_hh (the biases only with Bias(true)).
func (c *GRUCell) NamedParameters() []Parameter { return c.params }

// InputSize is I.
func (c *GRUCell) InputSize() int { return c.inputSize }

// HiddenSize is H, the size of the state and of the output.
func (c *GRUCell) HiddenSize() int { return c.hiddenSize }

// Forward applies one step: x is [N, I] (batched) or [I] (unbatched); h is
// [N, H] / [H], or nil for zeros. It returns h' with h's shape ([N, H] or
// [H]). Wrong shapes panic with an error naming what was expected and what
// was got; GoMLX's Exec returns it as an error.
func (c *GRUCell) Forward(x, h *graph.Node) *graph.Node {
	const who = "rnn.GRUCell"
	if !c.done {
		panicf("rnn.GRUCell.Forward called before Done")
	}
	xs, batch, unbatched := checkCellInput(who, x, c.inputSize, c.dtype)
	want := stateDims(unbatched, batch, c.hiddenSize)
	h = checkState(who, "h", h, want, c.dtype, unbatched, 0)
	hs := gruRecurrence(xs, h, gatedParams(xs.Graph(), c.params, c.bias, false), false, c.customGradient)
	return graph.Reshape(hs, want...)
}

// GRU is torch.nn.GRU(input_size, hidden_size, num_layers=1, bias=True,
// batch_first=False, dropout=0, bidirectional=False): a multi-layer gated
// recurrent unit network over a whole sequence. For each layer k and
// direction, at each step (see GRUCell for the gates),
//
//	h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
//
// where the input of layer k > 0 is the output of layer k-1 (both directions
// concatenated), with dropout in between while training.
//
// Parameters, in named_parameters() order, for each layer k then each
// direction ("" then "_reverse"): weight_ih_l{k} [3H, I] for k = 0 and
// [3H, D·H] above (D = 2 if bidirectional, else 1), weight_hh_l{k} [3H, H],
// bias_ih_l{k} [3H], bias_hh_l{k} [3H]; the gates are stacked in the order
// r, z, n; all initialised from U(-1/√H, 1/√H) as in PyTorch. They are
// context variables in ctx's scope, so a state_dict of nn.GRU loads by name
// (LoadStateDict).
//
// The graph is unrolled: its size is O(L) in the sequence length L, and a
// graph is built per input shape.
//
//	m, err := rnn.NewGRU(ctx.In("gru"), 10, 20).NumLayers(2).BatchFirst(true).Done()
//	…
//	out, hN := m.Forward(x, nil) // x [N, L, 10] → out [N, L, 20], hN [2, N, 20]
type GRU struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	numLayers             int
	bias, batchFirst      bool
	bidirectional         bool
	dropout               float64
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// NewGRU starts the configuration of a GRU with the given input and hidden
// sizes, whose variables live in ctx's current scope. Defaults, as in
// PyTorch: NumLayers 1, Bias true, BatchFirst false, Dropout 0,
// Bidirectional false, DType Float32; plus CustomGradient from ctx's
// ParamCustomGradient (true where unset).
func NewGRU(ctx *context.Context, inputSize, hiddenSize int) *GRU {
	m := &GRU{builder: builder{kind: "GRU"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: 1,
		bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		m.err = errors.New("rnn.NewGRU: ctx is nil")
	}
	return m
}

// NumLayers sets the number of stacked layers (default 1).
func (m *GRU) NumLayers(n int) *GRU {
	if m.change("NumLayers") {
		m.numLayers = n
	}
	return m
}

// Bias sets whether to use the bias_ih/bias_hh parameters (default true).
func (m *GRU) Bias(bias bool) *GRU {
	if m.change("Bias") {
		m.bias = bias
	}
	return m
}

// BatchFirst makes the input and output [N, L, ·] instead of [L, N, ·]
// (default false). As in PyTorch it never applies to h0 and h_n.
func (m *GRU) BatchFirst(batchFirst bool) *GRU {
	if m.change("BatchFirst") {
		m.batchFirst = batchFirst
	}
	return m
}

// Dropout sets the probability, in [0, 1), of zeroing an element of each
// layer's output except the last layer's, while training only (default 0).
func (m *GRU) Dropout(p float64) *GRU {
	if m.change("Dropout") {
		m.dropout = p
	}
	return m
}

// Bidirectional adds a reverse direction to every layer (default false).
func (m *GRU) Bidirectional(bidirectional bool) *GRU {
	if m.change("Bidirectional") {
		m.bidirectional = bidirectional
	}
	return m
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (m *GRU) DType(dtype dtypes.DType) *GRU {
	if m.change("DType") {
		m.dtype = dtype
	}
	return m
}

// CustomGradient chooses how gradients are computed: true (the default, or
// ctx's ParamCustomGradient) uses hand-derived backpropagation through time
// written with matrix products (one [N,3H]·[3H,H] product a step, then one
// per weight for the whole sequence: several times faster on the pure-Go
// backend); false lets GoMLX differentiate the forward operations. Both give
// the same numbers, for the weights and for x and h0 whatever they are
// (variables, graph inputs, constants, computed nodes).
func (m *GRU) CustomGradient(custom bool) *GRU {
	if m.change("CustomGradient") {
		m.customGradient = custom
	}
	return m
}

// NumDirections is D: 2 if bidirectional, else 1.
func (m *GRU) NumDirections() int {
	if m.bidirectional {
		return 2
	}
	return 1
}

// InputSize is I.
func (m *GRU) InputSize() int { return m.inputSize }

// HiddenSize is H.
func (m *GRU) HiddenSize() int { return m.hiddenSize }

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same GRU.
func (m *GRU) Done() (*GRU, error) {
	const who = "rnn.NewGRU"
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
	var specs []paramSpec
	h := m.hiddenSize
	for layer := range m.numLayers {
		in := m.inputSize
		if layer > 0 {
			in = m.NumDirections() * h
		}
		for dir := range m.NumDirections() {
			specs = append(specs, gatedSpecs(layerSuffix(layer, dir), 3, in, h, h, 0, m.bias)...)
		}
	}
	params, err := createParams(m.ctx, specs, m.dtype, uniformInit(m.ctx, invSqrt(h)))
	if err != nil {
		return nil, err
	}
	m.params = params
	m.done = true
	return m, nil
}

// NamedParameters returns the parameters in PyTorch's order (see GRU).
func (m *GRU) NamedParameters() []Parameter { return m.params }

// Forward runs the GRU over a whole sequence.
//
//   - x: [L, N, I], or [N, L, I] with BatchFirst, or unbatched [L, I].
//   - h0: [D·num_layers, N, H] (unbatched: [D·num_layers, H]), or nil for
//     zeros. BatchFirst does not apply to it.
//
// It returns output [L, N, D·H] ([N, L, D·H] with BatchFirst, [L, D·H]
// unbatched): the last layer's state at every step, both directions
// concatenated; and hN, shaped like h0: every layer's and direction's final
// state, ordered layer by layer, forward before reverse.
//
// Wrong shapes panic with an error naming what was expected and what was
// got; GoMLX's Exec returns it as an error.
func (m *GRU) Forward(x, h0 *graph.Node) (output, hN *graph.Node) {
	const who = "rnn.GRU"
	if !m.done {
		panicf("rnn.GRU.Forward called before Done")
	}
	x, unbatched := checkInput(who, x, m.inputSize, m.dtype, m.batchFirst)
	g := x.Graph()
	seqLen, batch := x.Shape().Dim(0), x.Shape().Dim(1)
	numDirs := m.NumDirections()
	numStates := numDirs * m.numLayers
	hidden := m.hiddenSize
	want := []int{numStates, batch, hidden}
	if unbatched {
		want = []int{numStates, hidden}
	}
	h0 = checkState(who, "h0", h0, want, m.dtype, unbatched, 1)

	layerInput := x
	finals := make([]*graph.Node, 0, numStates)
	perDir := len(m.params) / numStates
	for layer := range m.numLayers {
		if layer > 0 && m.dropout > 0 {
			layerInput = layers.DropoutStatic(m.ctx, layerInput, m.dropout)
		}
		outs := make([]*graph.Node, numDirs)
		for dir := range numDirs {
			state := layer*numDirs + dir // index into h0 and hN
			w := gatedParams(g, m.params[state*perDir:(state+1)*perDir], m.bias, false)
			hs := gruRecurrence(layerInput, stateAt(h0, state), w, dir == 1, m.customGradient)
			outs[dir] = hs
			finals = append(finals, lastState(hs, dir == 1))
		}
		if numDirs == 1 {
			layerInput = outs[0]
		} else {
			layerInput = graph.Concatenate(outs, -1)
		}
	}
	output, hN = layerInput, graph.Stack(finals, 0)
	switch {
	case unbatched:
		output = graph.Reshape(output, seqLen, numDirs*hidden)
		hN = graph.Reshape(hN, numStates, hidden)
	case m.batchFirst:
		output = graph.Transpose(output, 0, 1)
	}
	return output, hN
}
