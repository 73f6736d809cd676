package rnn

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Cell is torch.nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh'):
// one step of a simple recurrent network,
//
//	h' = tanh(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)
//
// Its parameters, in named_parameters() order, are weight_ih [H, I],
// weight_hh [H, H], bias_ih [H] and bias_hh [H], all initialised from
// U(-1/√H, 1/√H) as in PyTorch (with GoMLX's random generator: seed it with
// context.ParamInitialSeed). They are context variables in ctx's scope.
//
// Configure with the setters, then call Done; apply with Forward inside a
// graph function, as many times as needed (the seed's hand-written loop):
//
//	cell, err := rnn.NewCell(ctx.In("cell"), 2, 2).Done()
//	…
//	h = cell.Forward(x, h) // x [N, 2], h [N, 2] or nil for zeros
type Cell struct {
	ctx                   *context.Context
	inputSize, hiddenSize int
	nonlinearity          string
	bias                  bool
	dtype                 dtypes.DType
	customGradient        bool
	builder
	params []Parameter
}

// NewCell starts the configuration of an RNNCell with the given input and
// hidden sizes, whose variables live in ctx's current scope. Defaults, as in
// PyTorch: bias true, nonlinearity "tanh", dtype Float32; plus CustomGradient
// from ctx's ParamCustomGradient (true where unset).
func NewCell(ctx *context.Context, inputSize, hiddenSize int) *Cell {
	c := &Cell{builder: builder{kind: "Cell"}, ctx: ctx, inputSize: inputSize, hiddenSize: hiddenSize,
		nonlinearity: Tanh, bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		c.err = errors.New("rnn.NewCell: ctx is nil")
	}
	return c
}

// Nonlinearity sets the activation: "tanh" (default) or "relu".
func (c *Cell) Nonlinearity(name string) *Cell {
	if c.change("Nonlinearity") {
		c.nonlinearity = name
	}
	return c
}

// Bias sets whether to use bias_ih and bias_hh (default true).
func (c *Cell) Bias(bias bool) *Cell {
	if c.change("Bias") {
		c.bias = bias
	}
	return c
}

// DType sets the parameters' dtype: Float32 (default, as PyTorch) or Float64.
func (c *Cell) DType(dtype dtypes.DType) *Cell {
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
func (c *Cell) CustomGradient(custom bool) *Cell {
	if c.change("CustomGradient") {
		c.customGradient = custom
	}
	return c
}

// Done validates the configuration and creates (or finds) the parameters. It
// may be called again (e.g. each time a graph function runs): it then
// returns the same cell.
func (c *Cell) Done() (*Cell, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.done {
		return c, nil
	}
	if err := validateSizes("rnn.NewCell", c.inputSize, c.hiddenSize, c.nonlinearity, c.dtype); err != nil {
		return nil, err
	}
	specs := []paramSpec{{"weight_ih", []int{c.hiddenSize, c.inputSize}}, {"weight_hh", []int{c.hiddenSize, c.hiddenSize}}}
	if c.bias {
		specs = append(specs, paramSpec{"bias_ih", []int{c.hiddenSize}}, paramSpec{"bias_hh", []int{c.hiddenSize}})
	}
	params, err := createParams(c.ctx, specs, c.dtype, uniformInit(c.ctx, invSqrt(c.hiddenSize)))
	if err != nil {
		return nil, err
	}
	c.params = params
	c.done = true
	return c, nil
}

// NamedParameters returns the parameters in PyTorch's order: weight_ih,
// weight_hh, bias_ih, bias_hh (the biases only with Bias(true)).
func (c *Cell) NamedParameters() []Parameter { return c.params }

// InputSize is I, the size of one input vector.
func (c *Cell) InputSize() int { return c.inputSize }

// HiddenSize is H, the size of the state and of the output.
func (c *Cell) HiddenSize() int { return c.hiddenSize }

// Forward applies one step: x is [N, I] (batched) or [I] (unbatched); h is
// [N, H] / [H], or nil for zeros. It returns h' with h's shape ([N, H] or
// [H]). Wrong shapes panic with an error naming what was expected and what
// was got; GoMLX's Exec returns it as an error.
func (c *Cell) Forward(x, h *graph.Node) *graph.Node {
	if !c.done {
		panicf("rnn.Cell.Forward called before Done")
	}
	g := x.Graph()
	unbatched := x.Rank() == 1
	switch {
	case x.Rank() != 1 && x.Rank() != 2:
		panicf("rnn.Cell: input must be 1-D [input_size] or 2-D [batch, input_size], got %d-D %v", x.Rank(), x.Shape().Dimensions)
	case x.Shape().Dim(-1) != c.inputSize:
		panicf("rnn.Cell: input size: expected %d, got %d (input shape %v)", c.inputSize, x.Shape().Dim(-1), x.Shape().Dimensions)
	case x.DType() != c.dtype:
		panicf("rnn.Cell: input dtype: expected %s, got %s", c.dtype, x.DType())
	}
	if unbatched {
		x = graph.ExpandAxes(x, 0)
	}
	batch := x.Shape().Dim(0)
	if h != nil {
		want := []int{batch, c.hiddenSize}
		if unbatched {
			want = want[1:]
		}
		if !slices.Equal(h.Shape().Dimensions, want) {
			panicf("rnn.Cell: hidden state: expected shape %v, got %v", want, h.Shape().Dimensions)
		}
		if h.DType() != c.dtype {
			panicf("rnn.Cell: hidden state dtype: expected %s, got %s", c.dtype, h.DType())
		}
		if unbatched {
			h = graph.ExpandAxes(h, 0)
		}
	}
	w := c.weights(g)
	hs := recurrence(graph.ExpandAxes(x, 0), nil, h, w, c.nonlinearity, false, c.customGradient) // [1, N, H]
	if unbatched {
		return graph.Reshape(hs, c.hiddenSize)
	}
	return graph.Reshape(hs, batch, c.hiddenSize)
}

func (c *Cell) weights(g *graph.Graph) dirWeights {
	w := dirWeights{wih: c.params[0].Variable.ValueGraph(g), whh: c.params[1].Variable.ValueGraph(g)}
	if c.bias {
		w.bih, w.bhh = c.params[2].Variable.ValueGraph(g), c.params[3].Variable.ValueGraph(g)
	}
	return w
}

// validateSizes checks what every recurrent layer needs.
func validateSizes(who string, inputSize, hiddenSize int, nonlinearity string, dtype dtypes.DType) error {
	switch {
	case inputSize <= 0:
		return fmt.Errorf("%s: input_size must be positive, got %d", who, inputSize)
	case hiddenSize <= 0:
		return fmt.Errorf("%s: hidden_size must be positive, got %d", who, hiddenSize)
	case nonlinearity != Tanh && nonlinearity != ReLU:
		return fmt.Errorf("%s: unknown nonlinearity %q: expected %q or %q", who, nonlinearity, Tanh, ReLU)
	case dtype != dtypes.Float32 && dtype != dtypes.Float64:
		return fmt.Errorf("%s: dtype must be Float32 or Float64, got %s", who, dtype)
	}
	return nil
}

// validateStack checks the configuration shared by the multi-layer
// recurrent layers (RNN, LSTM, GRU).
func validateStack(who string, numLayers int, dropout float64) error {
	if numLayers <= 0 {
		return fmt.Errorf("%s: num_layers must be positive, got %d", who, numLayers)
	}
	if !(dropout >= 0 && dropout < 1) {
		return fmt.Errorf("%s: dropout should be a number in range [0, 1) representing the probability of an element being zeroed, got %g", who, dropout)
	}
	return nil
}

// panicf panics with an error, which GoMLX's graph execution returns to the
// caller as its error.
func panicf(format string, args ...any) {
	panic(fmt.Errorf(format, args...))
}
