package rnn

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Zero states, to run a layer one step at a time from the host: Forward
// takes nil for a zero state inside a graph, but an Exec's arguments cannot
// be nil, so a sampling loop that feeds the state back starts from these.
// batch 0 gives the unbatched shape.

func zeros(dtype dtypes.DType, batch int, dims ...int) *tensors.Tensor {
	if batch > 0 {
		dims = append(dims[:len(dims)-1:len(dims)-1], batch, dims[len(dims)-1])
	}
	return tensors.FromShape(shapes.Make(dtype, dims...))
}

// ZeroState returns a zero hidden state for Forward: [batch, H] ([H] for
// batch 0), in the cell's DType.
func (c *Cell) ZeroState(batch int) *tensors.Tensor { return zeros(c.dtype, batch, c.hiddenSize) }

// ZeroState returns zero h and c for Forward: [batch, H] each ([H] for
// batch 0), in the cell's DType.
func (lc *LSTMCell) ZeroState(batch int) (h, c *tensors.Tensor) {
	return zeros(lc.dtype, batch, lc.hiddenSize), zeros(lc.dtype, batch, lc.hiddenSize)
}

// ZeroState returns a zero hidden state for Forward: [batch, H] ([H] for
// batch 0), in the cell's DType.
func (c *GRUCell) ZeroState(batch int) *tensors.Tensor { return zeros(c.dtype, batch, c.hiddenSize) }

// ZeroState returns a zero h0 for Forward: [D·num_layers, batch, H]
// ([D·num_layers, H] for batch 0), in the layer's DType.
func (r *RNN) ZeroState(batch int) *tensors.Tensor {
	return zeros(r.dtype, batch, r.numLayers*directions(r.bidirectional), r.hiddenSize)
}

// ZeroState returns a zero h0 for Forward: [D·num_layers, batch, H]
// ([D·num_layers, H] for batch 0), in the layer's DType.
func (m *GRU) ZeroState(batch int) *tensors.Tensor {
	return zeros(m.dtype, batch, m.numLayers*directions(m.bidirectional), m.hiddenSize)
}

// ZeroState returns zero h0 and c0 for Forward: h0 [D·num_layers, batch,
// P] (P = proj_size, or H without projection) and c0 [D·num_layers, batch,
// H] (without the batch axis for batch 0), in the layer's DType.
func (m *LSTM) ZeroState(batch int) (h0, c0 *tensors.Tensor) {
	out := m.hiddenSize
	if m.projSize > 0 {
		out = m.projSize
	}
	n := m.numLayers * directions(m.bidirectional)
	return zeros(m.dtype, batch, n, out), zeros(m.dtype, batch, n, m.hiddenSize)
}

func directions(bidirectional bool) int {
	if bidirectional {
		return 2
	}
	return 1
}
