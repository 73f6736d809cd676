package rnn

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
)

// RNN is torch.nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh',
// bias=True, batch_first=False, dropout=0, bidirectional=False): a
// multi-layer simple recurrent network over a whole sequence. For each layer
// k and direction,
//
//	h_t = tanh(x_t · W_ih_lkᵀ + b_ih_lk + h_{t-1} · W_hh_lkᵀ + b_hh_lk)
//
// where the input of layer k > 0 is the output of layer k-1 (both directions
// concatenated), with dropout in between while training.
//
// Parameters, in named_parameters() order, for each layer k then each
// direction ("" then "_reverse"): weight_ih_l{k} [H, I] for k = 0 and
// [H, D·H] above (D = 2 if bidirectional, else 1), weight_hh_l{k} [H, H],
// bias_ih_l{k} [H], bias_hh_l{k} [H]; all initialised from U(-1/√H, 1/√H) as
// in PyTorch. They are context variables in ctx's scope.
//
// The graph is unrolled: its size is O(L) in the sequence length L, and a
// graph is built per input shape.
//
//	m, err := rnn.New(ctx.In("rnn"), 10, 8).NumLayers(2).BatchFirst(true).Done()
//	…
//	out, hN := m.Forward(x, nil) // x [N, L, 10] → out [N, L, 8], hN [2, N, 8]
type RNN struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	numLayers             int
	nonlinearity          string
	bias, batchFirst      bool
	bidirectional         bool
	dropout               float64
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// New starts the configuration of an RNN with the given input and hidden
// sizes, whose variables live in ctx's current scope. Defaults, as in
// PyTorch: NumLayers 1, Nonlinearity "tanh", Bias true, BatchFirst false,
// Dropout 0, Bidirectional false, DType Float32; plus CustomGradient from
// ctx's ParamCustomGradient (true where unset).
func New(ctx *context.Context, inputSize, hiddenSize int) *RNN {
	r := &RNN{builder: builder{kind: "RNN"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: 1, nonlinearity: Tanh,
		bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		r.err = errors.New("rnn.New: ctx is nil")
	}
	return r
}

// NumLayers sets the number of stacked layers (default 1).
func (r *RNN) NumLayers(n int) *RNN {
	if r.change("NumLayers") {
		r.numLayers = n
	}
	return r
}

// Nonlinearity sets the activation: "tanh" (default) or "relu".
func (r *RNN) Nonlinearity(name string) *RNN {
	if r.change("Nonlinearity") {
		r.nonlinearity = name
	}
	return r
}

// Bias sets whether to use the bias_ih/bias_hh parameters (default true).
func (r *RNN) Bias(bias bool) *RNN {
	if r.change("Bias") {
		r.bias = bias
	}
	return r
}

// BatchFirst makes the input and output [N, L, ·] instead of [L, N, ·]
// (default false). As in PyTorch it never applies to h0 and h_n.
func (r *RNN) BatchFirst(batchFirst bool) *RNN {
	if r.change("BatchFirst") {
		r.batchFirst = batchFirst
	}
	return r
}

// Dropout sets the probability, in [0, 1), of zeroing an element of each
// layer's output except the last layer's, while training only (default 0).
func (r *RNN) Dropout(p float64) *RNN {
	if r.change("Dropout") {
		r.dropout = p
	}
	return r
}

// Bidirectional adds a reverse direction to every layer (default false).
func (r *RNN) Bidirectional(bidirectional bool) *RNN {
	if r.change("Bidirectional") {
		r.bidirectional = bidirectional
	}
	return r
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (r *RNN) DType(dtype dtypes.DType) *RNN {
	if r.change("DType") {
		r.dtype = dtype
	}
	return r
}

// CustomGradient chooses how gradients are computed: true (the default, or
// ctx's ParamCustomGradient) uses hand-derived backpropagation through time
// written with matrix products (one product a step, then three for the whole
// sequence: several times faster on the pure-Go backend); false lets GoMLX
// differentiate the forward operations. Both give the same numbers, for the
// weights and for x and h0 whatever they are (variables, graph inputs,
// constants, computed nodes).
func (r *RNN) CustomGradient(custom bool) *RNN {
	if r.change("CustomGradient") {
		r.customGradient = custom
	}
	return r
}

// NumDirections is D: 2 if bidirectional, else 1.
func (r *RNN) NumDirections() int {
	if r.bidirectional {
		return 2
	}
	return 1
}

// InputSize is I.
func (r *RNN) InputSize() int { return r.inputSize }

// HiddenSize is H.
func (r *RNN) HiddenSize() int { return r.hiddenSize }

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same RNN.
func (r *RNN) Done() (*RNN, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return r, nil
	}
	if err := validateSizes("rnn.New", r.inputSize, r.hiddenSize, r.nonlinearity, r.dtype); err != nil {
		return nil, err
	}
	if err := validateStack("rnn.New", r.numLayers, r.dropout); err != nil {
		return nil, err
	}
	var specs []paramSpec
	h := r.hiddenSize
	for layer := range r.numLayers {
		in := r.inputSize
		if layer > 0 {
			in = r.NumDirections() * h
		}
		for dir := range r.NumDirections() {
			suffix := fmt.Sprintf("_l%d", layer)
			if dir == 1 {
				suffix += "_reverse"
			}
			specs = append(specs, paramSpec{"weight_ih" + suffix, []int{h, in}}, paramSpec{"weight_hh" + suffix, []int{h, h}})
			if r.bias {
				specs = append(specs, paramSpec{"bias_ih" + suffix, []int{h}}, paramSpec{"bias_hh" + suffix, []int{h}})
			}
		}
	}
	params, err := createParams(r.ctx, specs, r.dtype, uniformInit(r.ctx, invSqrt(h)))
	if err != nil {
		return nil, err
	}
	r.params = params
	r.done = true
	return r, nil
}

// NamedParameters returns the parameters in PyTorch's order (see RNN).
func (r *RNN) NamedParameters() []Parameter { return r.params }

// Forward runs the RNN over a whole sequence.
//
//   - x: [L, N, I], or [N, L, I] with BatchFirst, or unbatched [L, I].
//   - h0: [D·num_layers, N, H] (unbatched: [D·num_layers, H]), or nil for
//     zeros. BatchFirst does not apply to it.
//
// It returns output [L, N, D·H] ([N, L, D·H] with BatchFirst, [L, D·H]
// unbatched): the last layer's state at every step, both directions
// concatenated; and hN, shaped like h0: every layer's and direction's final
// state, ordered layer by layer, forward before reverse. For one layer and
// one direction, output[L-1] = hN[0].
//
// Wrong shapes panic with an error naming what was expected and what was
// got; GoMLX's Exec returns it as an error.
func (r *RNN) Forward(x, h0 *graph.Node) (output, hN *graph.Node) {
	if !r.done {
		panicf("rnn.RNN.Forward called before Done")
	}
	x, unbatched := checkInput("rnn.RNN", x, r.inputSize, r.dtype, r.batchFirst)
	return r.forward(x, nil, h0, unbatched)
}

// ForwardOneHot is Forward(OneHot(indices, input_size), h0): the input is
// given as class indices, [L, N] ([N, L] with BatchFirst, [L] unbatched),
// each standing for a one-hot row of x. The first layer's input projection
// is then a lookup of W_ih's columns instead of a matrix product — exactly
// the same numbers, faster (mathor's encoder–decoder feeds one-hot
// characters). Indices must lie in [0, input_size): values are not checked
// in the graph.
func (r *RNN) ForwardOneHot(indices, h0 *graph.Node) (output, hN *graph.Node) {
	if !r.done {
		panicf("rnn.RNN.ForwardOneHot called before Done")
	}
	if !indices.DType().IsInt() {
		panicf("rnn.RNN.ForwardOneHot: indices must be integers, got %s", indices.DType())
	}
	layout := "[seq_len, batch]"
	if r.batchFirst {
		layout = "[batch, seq_len]"
	}
	if indices.Rank() != 1 && indices.Rank() != 2 {
		panicf("rnn.RNN.ForwardOneHot: indices must be 1-D [seq_len] (unbatched) or 2-D %s, got %d-D %v",
			layout, indices.Rank(), indices.Shape().Dimensions)
	}
	for _, d := range indices.Shape().Dimensions {
		if d == 0 { // the indices' shape as given, in their own layout
			panicf("rnn.RNN.ForwardOneHot: empty indices %v (%s): the sequence length and the batch must be positive", indices.Shape().Dimensions, layout)
		}
	}
	unbatched := indices.Rank() == 1
	if unbatched {
		indices = graph.ExpandAxes(indices, 1) // [L, 1]
	} else if r.batchFirst {
		indices = graph.Transpose(indices, 0, 1) // [L, N]
	}
	return r.forward(nil, indices, h0, unbatched)
}

// forward runs the layers on time-major input: x [L, N, I], or indices
// [L, N] for one-hot input.
func (r *RNN) forward(x, idx, h0 *graph.Node, unbatched bool) (output, hN *graph.Node) {
	// Mise en place.
	in := x
	if in == nil {
		in = idx
	}
	g := in.Graph()
	numDirs := r.NumDirections()
	numStates := numDirs * r.numLayers
	hidden := r.hiddenSize
	seqLen, batch := in.Shape().Dim(0), in.Shape().Dim(1)
	if seqLen == 0 || batch == 0 {
		panicf("rnn.RNN: empty input %v: the sequence length and the batch must be positive", in.Shape().Dimensions)
	}
	want := []int{numStates, batch, hidden}
	if unbatched {
		want = []int{numStates, hidden}
	}
	h0 = checkState("rnn.RNN", "h0", h0, want, r.dtype, unbatched, 1)

	layerInput, layerIdx := x, idx
	finals := make([]*graph.Node, 0, numStates)
	for layer := range r.numLayers {
		if layer > 0 && r.dropout > 0 {
			layerInput = layers.DropoutStatic(r.ctx, layerInput, r.dropout)
		}
		outs := make([]*graph.Node, numDirs)
		for dir := range numDirs {
			state := layer*numDirs + dir // index into h0 and hN
			var hInit *graph.Node        // nil: zeros
			if h0 != nil {
				hInit = graph.Gather(h0, graph.Const(g, []int32{int32(state)}))
			}
			hs := recurrence(layerInput, layerIdx, hInit, r.weights(g, state), r.nonlinearity, dir == 1, r.customGradient)
			outs[dir] = hs
			last := seqLen - 1
			if dir == 1 {
				last = 0
			}
			finals = append(finals, graph.Gather(hs, graph.Const(g, []int32{int32(last)})))
		}
		if numDirs == 1 {
			layerInput = outs[0]
		} else {
			layerInput = graph.Concatenate(outs, -1)
		}
		layerIdx = nil // layers above the first read dense states
	}
	output, hN = layerInput, graph.Stack(finals, 0)
	switch {
	case unbatched:
		output = graph.Reshape(output, seqLen, numDirs*hidden)
		hN = graph.Reshape(hN, numStates, hidden)
	case r.batchFirst:
		output = graph.Transpose(output, 0, 1)
	}
	return output, hN
}

// weights of layer-direction idx (layer*D + dir).
func (r *RNN) weights(g *graph.Graph, idx int) dirWeights {
	per := 2
	if r.bias {
		per = 4
	}
	p := r.params[idx*per : (idx+1)*per]
	w := dirWeights{wih: p[0].Variable.ValueGraph(g), whh: p[1].Variable.ValueGraph(g)}
	if r.bias {
		w.bih, w.bhh = p[2].Variable.ValueGraph(g), p[3].Variable.ValueGraph(g)
	}
	return w
}
