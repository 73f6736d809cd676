package rnn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
)

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

func tensorFromAny(value any) (t *tensors.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot make a tensor of %T: %v", value, r)
		}
	}()
	return tensors.FromAnyValue(value), nil
}

// tensorOf makes a tensor of the given shape (float32 or float64) from float64 values.
func tensorOf(values []float64, shape shapes.Shape) (*tensors.Tensor, error) {
	switch shape.DType {
	case dtypes.Float64:
		return tensors.FromFlatDataAndDimensions(slices.Clone(values), shape.Dimensions...), nil
	case dtypes.Float32:
		f32 := make([]float32, len(values))
		for i, v := range values {
			f32[i] = float32(v)
		}
		return tensors.FromFlatDataAndDimensions(f32, shape.Dimensions...), nil
	}
	return nil, fmt.Errorf("dtype %s not supported (want Float32 or Float64)", shape.DType)
}

// convertTo checks t has want's dimensions and returns a copy of it in want's dtype
// (float32 and float64 are converted).
func convertTo(t *tensors.Tensor, want shapes.Shape) (*tensors.Tensor, error) {
	got := t.Shape()
	if !slices.Equal(got.Dimensions, want.Dimensions) {
		return nil, fmt.Errorf("shape mismatch: expected %v, got %v", want.Dimensions, got.Dimensions)
	}
	if got.DType == want.DType {
		// A copy: the variable owns its value, and training donates it.
		return t.LocalClone()
	}
	if !got.DType.IsFloat() {
		return nil, fmt.Errorf("dtype mismatch: expected %s, got %s", want.DType, got.DType)
	}
	return tensorOf(Float64s(t), want)
}

// Float64s returns a tensor's values as float64s, row-major: float32,
// float64, int32 and int64 tensors (other dtypes panic).
func Float64s(t *tensors.Tensor) []float64 {
	var out []float64
	t.MustConstFlatData(func(flat any) {
		switch f := flat.(type) {
		case []float64:
			out = slices.Clone(f)
		case []float32:
			out = make([]float64, len(f))
			for i, v := range f {
				out[i] = float64(v)
			}
		case []int32:
			out = make([]float64, len(f))
			for i, v := range f {
				out[i] = float64(v)
			}
		case []int64:
			out = make([]float64, len(f))
			for i, v := range f {
				out[i] = float64(v)
			}
		default:
			panic(fmt.Sprintf("rnn.Float64s: tensor of %s is not float32/float64/int32/int64", t.DType()))
		}
	})
	return out
}

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

// builder is what every layer's configuration shares: it records the first
// configuration error, and refuses changes after Done.
type builder struct {
	kind string // the layer type, for messages: "Cell", "RNN", …
	done bool
	err  error
}

// change reports whether a setter may change the configuration; called after
// Done, it records an error (returned by the next Done) and refuses.
func (b *builder) change(what string) bool {
	if b.done {
		if b.err == nil {
			b.err = fmt.Errorf("rnn.%s.%s called after Done", b.kind, what)
		}
		return false
	}
	return true
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

// --------------------------------------------------------------- state dicts

// StateDict returns the values of the trainable variables under ctx's scope,
// keyed by PyTorch state_dict names: the scope path relative to ctx with "."
// for "/" ("encoder.weight_ih_l0", "fc.bias"). Variables without a value yet
// are an error.
func StateDict(ctx *context.Context) (map[string]*tensors.Tensor, error) {
	vars := trainableUnder(ctx)
	out := make(map[string]*tensors.Tensor, len(vars))
	for key, v := range vars {
		if !v.HasValue() {
			return nil, fmt.Errorf("rnn.StateDict: %s has no value yet (run a graph that uses it first)", key)
		}
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("rnn.StateDict: %s: %w", key, err)
		}
		out[key] = t
	}
	return out, nil
}

// SaveStateDict writes StateDict(ctx) to a NumPy .npz file that PyTorch can
// load with `{k: torch.from_numpy(v) for k, v in numpy.load(path).items()}`.
func SaveStateDict(ctx *context.Context, path string) error {
	sd, err := StateDict(ctx)
	if err != nil {
		return err
	}
	return numpy.ToNpzFile(sd, path)
}

// LoadStateDict loads a PyTorch state_dict saved with
//
//	numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
//
// into the trainable variables under ctx's scope, matched by name (see
// StateDict for the naming). Like torch's load_state_dict(strict=True), every
// variable must get a value and every key must name a variable: missing and
// unexpected keys and shape mismatches are errors that list them. The layers
// must have been built (Done) in ctx first, so their variables exist.
// Float32/float64 values are converted to the variables' dtype, as
// load_state_dict does.
func LoadStateDict(ctx *context.Context, path string) error {
	sd, err := numpy.FromNpzFile(path)
	if err != nil {
		return fmt.Errorf("rnn.LoadStateDict: reading %s: %w", path, err)
	}
	if err := SetStateDict(ctx, sd); err != nil {
		return fmt.Errorf("rnn.LoadStateDict(%s): %w", path, err)
	}
	return nil
}

// SetStateDict is LoadStateDict with the tensors already in memory. The
// variables get copies: sd stays valid and unchanged after training.
func SetStateDict(ctx *context.Context, sd map[string]*tensors.Tensor) error {
	vars := trainableUnder(ctx)
	var missing, unexpected, mismatched []string
	for key := range vars {
		if _, ok := sd[key]; !ok {
			missing = append(missing, key)
		}
	}
	converted := make(map[string]*tensors.Tensor, len(sd))
	for key, t := range sd {
		v, ok := vars[key]
		if !ok {
			unexpected = append(unexpected, key)
			continue
		}
		c, err := convertTo(t, v.Shape())
		if err != nil {
			mismatched = append(mismatched, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		converted[key] = c
	}
	sort.Strings(missing)
	sort.Strings(unexpected)
	sort.Strings(mismatched)
	var errs []string
	if len(missing) > 0 {
		errs = append(errs, fmt.Sprintf("missing keys: %s", strings.Join(missing, ", ")))
	}
	if len(unexpected) > 0 {
		errs = append(errs, fmt.Sprintf("unexpected keys: %s", strings.Join(unexpected, ", ")))
	}
	if len(mismatched) > 0 {
		errs = append(errs, fmt.Sprintf("size mismatch for %s", strings.Join(mismatched, "; ")))
	}
	if len(errs) > 0 {
		if len(vars) == 0 {
			errs = append(errs, fmt.Sprintf("no trainable variables under scope %q: build the layers (Done) first", ctx.Scope()))
		}
		return errors.New("error(s) in loading state_dict: " + strings.Join(errs, "; "))
	}
	for key, t := range converted {
		if err := vars[key].SetValue(t); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
	}
	return nil
}

// trainableUnder maps the state_dict key of every trainable variable under
// ctx's scope to the variable.
func trainableUnder(ctx *context.Context) map[string]*context.Variable {
	root := ctx.Scope()
	prefix := root
	if !strings.HasSuffix(prefix, context.ScopeSeparator) {
		prefix += context.ScopeSeparator
	}
	out := map[string]*context.Variable{}
	for v := range ctx.IterVariables() {
		if !v.Trainable {
			continue
		}
		scope := v.Scope()
		if scope != root && !strings.HasPrefix(scope, prefix) {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(scope, root), context.ScopeSeparator)
		key := v.Name()
		if rel != "" {
			key = strings.ReplaceAll(rel, context.ScopeSeparator, ".") + "." + key
		}
		out[key] = v
	}
	return out
}

// SubStateDict returns the entries of sd whose keys start with prefix, with
// the prefix removed: the state dict of a submodule ("encoder." of a model's
// state dict), or of one entry of a file holding several.
func SubStateDict(sd map[string]*tensors.Tensor, prefix string) map[string]*tensors.Tensor {
	out := map[string]*tensors.Tensor{}
	for k, v := range sd {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}
