package nb

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Sub returns the values and dimensions of t[index...] (leading indices, like
// out[0] in PyTorch) for a float32 or float64 tensor, as float64s.
func Sub(t *tensors.Tensor, index ...int) ([]float64, []int, error) {
	dims := t.Shape().Dimensions
	if len(index) > len(dims) {
		return nil, nil, fmt.Errorf("nb.Sub: %d indices for a %d-D tensor %v", len(index), len(dims), dims)
	}
	var values []float64
	switch t.DType().String() {
	case "Float32":
		for _, v := range tensors.MustCopyFlatData[float32](t) {
			values = append(values, float64(v))
		}
	case "Float64":
		values = tensors.MustCopyFlatData[float64](t)
	default:
		return nil, nil, fmt.Errorf("nb.Sub: tensor of %s, want Float32 or Float64", t.DType())
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

// TorchT formats t[index...] as print(torch_tensor) does (see Torch).
func TorchT(t *tensors.Tensor, index ...int) string {
	values, dims, err := Sub(t, index...)
	if err != nil {
		return err.Error()
	}
	return Torch(values, dims)
}

// Rows returns a float32/float64 tensor as float64 rows: a 2-D [r, c] tensor
// as r rows, a 1-D one as a single row.
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
