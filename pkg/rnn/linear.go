package rnn

import (
	"errors"
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// Linear is torch.nn.Linear(in_features, out_features, bias=True):
// y = x · Wᵀ + b, with weight [out, in] and bias [out], both initialised from
// U(-1/√in, 1/√in) as in PyTorch (kaiming_uniform with a=√5 comes to that).
// They are context variables in ctx's scope, named "weight" and "bias".
//
//	fc, err := rnn.NewLinear(ctx.In("fc"), 8, 4).Done()
//	logits := fc.Forward(h) // [..., 8] → [..., 4]
type Linear struct {
	ctx                 *context.Context
	inFeatures, outFeat int
	bias                bool
	dtype               dtypes.DType
	customGradient      bool
	builder
	params []Parameter
}

// NewLinear starts the configuration of a Linear layer. Defaults: Bias true,
// DType Float32, CustomGradient from ctx's ParamCustomGradient (true where
// unset).
func NewLinear(ctx *context.Context, inFeatures, outFeatures int) *Linear {
	l := &Linear{builder: builder{kind: "Linear"}, ctx: ctx, inFeatures: inFeatures, outFeat: outFeatures, bias: true, dtype: dtypes.Float32, customGradient: customGradientDefault(ctx)}
	if ctx == nil {
		l.err = errors.New("rnn.NewLinear: ctx is nil")
	}
	return l
}

// Bias sets whether to add the bias (default true).
func (l *Linear) Bias(bias bool) *Linear {
	if l.change("Bias") {
		l.bias = bias
	}
	return l
}

// DType sets the parameters' dtype: Float32 (default) or Float64.
func (l *Linear) DType(dtype dtypes.DType) *Linear {
	if l.change("DType") {
		l.dtype = dtype
	}
	return l
}

// CustomGradient chooses between gradients written as matrix products
// (true, the default or ctx's ParamCustomGradient: ∂x = g·W, ∂W = gᵀ·x) and
// GoMLX's differentiation of the forward product (false). Both give the same
// numbers, for W, b and x whatever x is.
func (l *Linear) CustomGradient(custom bool) *Linear {
	if l.change("CustomGradient") {
		l.customGradient = custom
	}
	return l
}

// Done validates the configuration and creates (or finds) the parameters.
func (l *Linear) Done() (*Linear, error) {
	if l.err != nil {
		return nil, l.err
	}
	if l.done {
		return l, nil
	}
	switch {
	case l.inFeatures <= 0:
		return nil, fmt.Errorf("rnn.NewLinear: in_features must be positive, got %d", l.inFeatures)
	case l.outFeat <= 0:
		return nil, fmt.Errorf("rnn.NewLinear: out_features must be positive, got %d", l.outFeat)
	case l.dtype != dtypes.Float32 && l.dtype != dtypes.Float64:
		return nil, fmt.Errorf("rnn.NewLinear: dtype must be Float32 or Float64, got %s", l.dtype)
	}
	specs := []paramSpec{{"weight", []int{l.outFeat, l.inFeatures}}}
	if l.bias {
		specs = append(specs, paramSpec{"bias", []int{l.outFeat}})
	}
	params, err := createParams(l.ctx, specs, l.dtype, uniformInit(l.ctx, invSqrt(l.inFeatures)))
	if err != nil {
		return nil, err
	}
	l.params = params
	l.done = true
	return l, nil
}

// NamedParameters returns weight then bias (without Bias(false)).
func (l *Linear) NamedParameters() []Parameter { return l.params }

// Weight is the [out, in] weight parameter.
func (l *Linear) Weight() Parameter { return l.params[0] }

// BiasParam is the [out] bias parameter; it panics without a bias.
func (l *Linear) BiasParam() Parameter {
	if !l.bias {
		panicf("rnn.Linear has no bias (Bias(false))")
	}
	return l.params[1]
}

// Forward computes x · Wᵀ + b for x [..., in] (any number of leading axes),
// returning [..., out].
func (l *Linear) Forward(x *graph.Node) *graph.Node {
	if !l.done {
		panicf("rnn.Linear.Forward called before Done")
	}
	switch {
	case x.Rank() == 0:
		panicf("rnn.Linear: input must have at least one axis [..., %d], got a scalar", l.inFeatures)
	case x.Shape().Dim(-1) != l.inFeatures:
		panicf("rnn.Linear: input features: expected %d, got %d (input shape %v)", l.inFeatures, x.Shape().Dim(-1), x.Shape().Dimensions)
	case x.DType() != l.dtype:
		panicf("rnn.Linear: input dtype: expected %s, got %s", l.dtype, x.DType())
	}
	g := x.Graph()
	outDims := append(append([]int{}, x.Shape().Dimensions[:x.Rank()-1]...), l.outFeat)
	x2d := graph.Reshape(x, x.Shape().Size()/l.inFeatures, l.inFeatures)
	w := l.params[0].Variable.ValueGraph(g)
	var b *graph.Node
	if l.bias {
		b = l.params[1].Variable.ValueGraph(g)
	}
	forward := func(in []*graph.Node) []*graph.Node {
		y := matmulT(in[0], in[1])
		if in[2] != nil {
			y = graph.Add(y, graph.ExpandAxes(in[2], 0))
		}
		return []*graph.Node{y}
	}
	var y *graph.Node
	if l.customGradient {
		y = withCustomGradient([]*graph.Node{x2d, w, b}, forward, func(in, _, v []*graph.Node) []*graph.Node {
			grads := make([]*graph.Node, 3)
			grads[0] = matmulT(v[0], graph.Transpose(in[1], 0, 1)) // g · W
			grads[1] = matmulTN(v[0], in[0])                       // gᵀ · x
			if in[2] != nil {
				grads[2] = graph.ReduceSum(v[0], 0)
			}
			return grads
		})[0]
	} else {
		y = forward([]*graph.Node{x2d, w, b})[0]
	}
	return graph.Reshape(y, outDims...)
}

// Embedding is torch.nn.Embedding(num_embeddings, embedding_dim): a lookup
// table weight [num_embeddings, embedding_dim] initialised from N(0, 1) as in
// PyTorch, a context variable named "weight" in ctx's scope.
//
//	emb, err := rnn.NewEmbedding(ctx.In("emb"), 4, 10).Done()
//	e := emb.Forward(indices) // int indices [...] → [..., 10]
type Embedding struct {
	builder
	ctx      *context.Context
	num, dim int
	dtype    dtypes.DType
	params   []Parameter
}

// NewEmbedding starts the configuration of an Embedding. Default DType Float32.
func NewEmbedding(ctx *context.Context, numEmbeddings, embeddingDim int) *Embedding {
	e := &Embedding{builder: builder{kind: "Embedding"}, ctx: ctx, num: numEmbeddings, dim: embeddingDim, dtype: dtypes.Float32}
	if ctx == nil {
		e.err = errors.New("rnn.NewEmbedding: ctx is nil")
	}
	return e
}

// DType sets the weight's dtype: Float32 (default) or Float64.
func (e *Embedding) DType(dtype dtypes.DType) *Embedding {
	if e.change("DType") {
		e.dtype = dtype
	}
	return e
}

// Done validates the configuration and creates (or finds) the weight.
func (e *Embedding) Done() (*Embedding, error) {
	if e.err != nil {
		return nil, e.err
	}
	if e.done {
		return e, nil
	}
	switch {
	case e.num <= 0:
		return nil, fmt.Errorf("rnn.NewEmbedding: num_embeddings must be positive, got %d", e.num)
	case e.dim <= 0:
		return nil, fmt.Errorf("rnn.NewEmbedding: embedding_dim must be positive, got %d", e.dim)
	case e.dtype != dtypes.Float32 && e.dtype != dtypes.Float64:
		return nil, fmt.Errorf("rnn.NewEmbedding: dtype must be Float32 or Float64, got %s", e.dtype)
	}
	params, err := createParams(e.ctx, []paramSpec{{"weight", []int{e.num, e.dim}}}, e.dtype,
		initializers.RandomNormalFn(e.ctx, 1))
	if err != nil {
		return nil, err
	}
	e.params = params
	e.done = true
	return e, nil
}

// NamedParameters returns the single parameter, weight.
func (e *Embedding) NamedParameters() []Parameter { return e.params }

// Forward looks up integer indices of any shape [...] and returns [..., dim].
// Indices must lie in [0, num_embeddings), and the graph cannot check it:
// where PyTorch raises, GoMLX's Gather silently clamps an index out of range
// to the first or last row. Check indices on the host before Exec with Check
// (or CheckIndices); seq2seq's vocabularies and training do.
func (e *Embedding) Forward(indices *graph.Node) *graph.Node {
	if !e.done {
		panicf("rnn.Embedding.Forward called before Done")
	}
	if !indices.DType().IsInt() {
		panicf("rnn.Embedding: indices must be integers, got %s", indices.DType())
	}
	w := e.params[0].Variable.ValueGraph(indices.Graph())
	return graph.Gather(w, graph.ExpandAxes(indices, -1))
}
