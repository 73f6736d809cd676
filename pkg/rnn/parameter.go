package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

// This file holds the layers' parameters: Parameter (one named tensor, with
// torch.nn.init-like setters) and how layers create them as context variables.

// Parameter is one trainable tensor of a layer under its PyTorch name, as
// PyTorch's named_parameters() yields it ("weight_ih", "bias_hh_l1_reverse",
// "weight"…). The value lives in a GoMLX context variable.
type Parameter struct {
	// Name is the PyTorch name, relative to the layer.
	Name string
	// Variable holds the value, in the layer's context scope under the same name.
	Variable *context.Variable
}

// Shape of the parameter, e.g. (Float32)[4 2] for weight_ih of RNNCell(2, 4).
func (p Parameter) Shape() shapes.Shape { return p.Variable.Shape() }

// Ones sets every element to 1, like torch.nn.init.ones_.
func (p Parameter) Ones() error { return p.Constant(1) }

// Zeros sets every element to 0, like torch.nn.init.zeros_.
func (p Parameter) Zeros() error { return p.Constant(0) }

// Constant sets every element to value, like torch.nn.init.constant_.
func (p Parameter) Constant(value float64) error {
	return p.fill(func() float64 { return value })
}

// Uniform draws every element from U(low, high) with rng, like
// torch.nn.init.uniform_ (with a Go random source instead of torch's).
func (p Parameter) Uniform(low, high float64, rng *rand.Rand) error {
	if !(low <= high) {
		return fmt.Errorf("rnn: %s.Uniform: low must be <= high, got low=%g, high=%g", p.Name, low, high)
	}
	return p.fill(func() float64 { return low + (high-low)*rng.Float64() })
}

func (p Parameter) fill(next func() float64) error {
	shape := p.Shape()
	values := make([]float64, shape.Size())
	for i := range values {
		values[i] = next()
	}
	t, err := tensorOf(values, shape)
	if err != nil {
		return fmt.Errorf("rnn: %s: %w", p.Name, err)
	}
	return p.Variable.SetValue(t)
}

// Set assigns a value given as a Go slice (e.g. [][]float64{{1, 1}, {1, 1}},
// like `param.data = torch.Tensor([[1, 1], [1, 1]])`) or a *tensors.Tensor.
// The shape must be the parameter's exactly (PyTorch would let a shape-(1,)
// bias broadcast; here that is an error that names both shapes). Float32 and
// float64 values are converted to the parameter's dtype.
func (p Parameter) Set(value any) error {
	var t *tensors.Tensor
	switch v := value.(type) {
	case *tensors.Tensor:
		t = v
	default:
		var err error
		if t, err = tensorFromAny(value); err != nil {
			return fmt.Errorf("rnn: %s.Set: %w", p.Name, err)
		}
	}
	t, err := convertTo(t, p.Shape())
	if err != nil {
		return fmt.Errorf("rnn: %s.Set: %w", p.Name, err)
	}
	return p.Variable.SetValue(t)
}

// Value returns the current value as float64s in row-major order, with the
// parameter's dimensions. It fails if the variable has no value yet (it is
// initialised the first time a graph using it runs, or by SetValue).
func (p Parameter) Value() ([]float64, []int, error) {
	if !p.Variable.HasValue() {
		return nil, nil, fmt.Errorf("rnn: %s has no value yet: run a graph that uses it, or set it", p.Name)
	}
	t, err := p.Variable.Value()
	if err != nil {
		return nil, nil, err
	}
	return Float64s(t), t.Shape().Dimensions, nil
}

// paramSpec names a parameter and its dimensions.
type paramSpec struct {
	name string
	dims []int
}

// createParams gets or creates a variable for each spec in ctx's scope.
func createParams(ctx *context.Context, specs []paramSpec, dtype dtypes.DType, init context.VariableInitializer) ([]Parameter, error) {
	params := make([]Parameter, 0, len(specs))
	for _, s := range specs {
		v, err := getOrCreateVariable(ctx, s.name, shapes.Make(dtype, s.dims...), init)
		if err != nil {
			return nil, err
		}
		params = append(params, Parameter{Name: s.name, Variable: v})
	}
	return params, nil
}

// uniformInit is PyTorch's default initialisation of recurrent and linear
// layers: U(-bound, bound).
func uniformInit(ctx *context.Context, bound float64) context.VariableInitializer {
	return initializers.RandomUniformFn(ctx, -bound, bound)
}

func invSqrt(n int) float64 { return 1 / math.Sqrt(float64(n)) }

// getOrCreateVariable returns the variable name in ctx's scope, creating it
// with init if it does not exist. An existing variable (from an earlier call,
// or loaded from a checkpoint) must have exactly the expected shape.
func getOrCreateVariable(ctx *context.Context, name string, shape shapes.Shape, init context.VariableInitializer) (*context.Variable, error) {
	if v := ctx.GetVariableByScopeAndName(ctx.Scope(), name); v != nil {
		if !v.Shape().Equal(shape) {
			return nil, fmt.Errorf("rnn: variable %s/%s already exists with shape %s, expected %s "+
				"(a layer of a different size in the same scope?)", ctx.Scope(), name, v.Shape(), shape)
		}
		return v, nil
	}
	return ctx.Checked(false).WithInitializer(init).VariableWithShape(name, shape), nil
}
