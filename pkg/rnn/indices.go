package rnn

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// CheckIndices returns an error unless every value of t, an integer tensor of
// any shape, lies in [0, n): what a token index fed to an Embedding, or a
// class label fed to a cross-entropy loss, must satisfy. PyTorch raises on an
// index out of range; inside a GoMLX graph nothing can: Gather clamps it to a
// valid row and a one-hot of it is all zeros, so the numbers come out wrong
// without a word. Check indices on the host, where they come from, before
// Exec (seq2seq's vocabularies and training do). what names the tensor in the
// error ("token", "label"), which says which value, where, and the range.
func CheckIndices(t *tensors.Tensor, n int, what string) error {
	if t == nil {
		return fmt.Errorf("rnn: %s indices: got a nil tensor", what)
	}
	var values []int64
	switch t.DType() {
	case dtypes.Int32:
		for _, v := range tensors.MustCopyFlatData[int32](t) {
			values = append(values, int64(v))
		}
	case dtypes.Int64:
		values = tensors.MustCopyFlatData[int64](t)
	default:
		return fmt.Errorf("rnn: %s indices: want an integer tensor (Int32 or Int64), got %s", what, t.Shape())
	}
	dims := t.Shape().Dimensions
	for i, v := range values {
		if v < 0 || v >= int64(n) {
			return fmt.Errorf("rnn: %s index %d at position %v of a %v tensor is out of range: want 0 ≤ index < %d",
				what, v, position(i, dims), dims, n)
		}
	}
	return nil
}

// position turns a flat index into the coordinates of a tensor of dims.
func position(flat int, dims []int) []int {
	pos := make([]int, len(dims))
	for k := len(dims) - 1; k >= 0; k-- {
		if dims[k] > 0 {
			pos[k] = flat % dims[k]
			flat /= dims[k]
		}
	}
	return pos
}

// Check returns CheckIndices(indices, num_embeddings, "token"): call it on
// the host before feeding indices to Forward, which cannot check them.
func (e *Embedding) Check(indices *tensors.Tensor) error {
	return CheckIndices(indices, e.num, "token")
}
