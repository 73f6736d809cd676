package nb

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Sub returns the values and dimensions of t[index...] (leading indices, like
// out[0] in PyTorch) as float64s, for the dtypes rnn.Float64s reads (float32,
// float64, int32, int64).
func Sub(t *tensors.Tensor, index ...int) (values []float64, dims []int, err error) {
	dims = t.Shape().Dimensions
	if len(index) > len(dims) {
		return nil, nil, fmt.Errorf("nb.Sub: %d indices for a %d-D tensor %v", len(index), len(dims), dims)
	}
	if values, err = float64s(t); err != nil {
		return nil, nil, err
	}
	offset, size := 0, len(values)
	for axis, i := range index {
		if i < 0 || i >= dims[axis] {
			return nil, nil, fmt.Errorf("nb.Sub: index %d out of range for axis %d of size %d", i, axis, dims[axis])
		}
		size /= dims[axis]
		offset += i * size
	}
	return values[offset : offset+size], dims[len(index):], nil
}

// float64s is rnn.Float64s, with its panic on an unsupported dtype returned
// as an error.
func float64s(t *tensors.Tensor) (values []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nb.Sub: %v", r)
		}
	}()
	return rnn.Float64s(t), nil
}

// TorchT formats t[index...] as print(torch_tensor) does (see Torch).
func TorchT(t *tensors.Tensor, index ...int) string {
	values, dims, err := Sub(t, index...)
	if err != nil {
		return err.Error()
	}
	return Torch(values, dims)
}

// Rows returns a tensor as float64 rows: a 2-D [r, c] tensor as r rows, a
// 1-D one as a single row.
func Rows(t *tensors.Tensor) ([][]float64, error) {
	values, dims, err := Sub(t)
	if err != nil {
		return nil, err
	}
	switch len(dims) {
	case 1:
		return [][]float64{values}, nil
	case 2:
		rows := make([][]float64, dims[0])
		for i := range rows {
			rows[i] = values[i*dims[1] : (i+1)*dims[1]]
		}
		return rows, nil
	}
	return nil, fmt.Errorf("nb.Rows: want a 1-D or 2-D tensor, got %v", dims)
}
