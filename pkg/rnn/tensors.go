package rnn

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// This file converts between Go values, GoMLX tensors and float64 slices.

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
