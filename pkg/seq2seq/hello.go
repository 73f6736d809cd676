package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// CharModel is a model that reads a string one character per step and
// predicts a class (a character) at every step: the lecture-12 models.
type CharModel interface {
	// Input encodes a string as the model's input tensor (see each model).
	Input(v *Vocab, s string) (*tensors.Tensor, error)
	// Build creates the model's parameters in ctx (or finds them), without
	// a graph: to set or load them before training. Logits calls it too.
	Build(ctx *context.Context) error
	// Logits builds the model in ctx (creating or reusing its parameters) and
	// returns the logits [L, V] of an input of L characters: row t scores
	// the classes for step t.
	Logits(ctx *context.Context, x *graph.Node) *graph.Node
	// String describes the model as PyTorch would construct it.
	String() string
}

// CellModel is the lecture's first model: an RNNCell(input_size,
// hidden_size) stepped by hand over the sequence, whose hidden state is
// itself the logits (so hidden_size = the number of classes), batch 1.
// Parameters: "rnncell/weight_ih" …, as the lecture's self.rnncell.
type CellModel struct {
	InputSize, HiddenSize int
	// PlainAutodiff makes GoMLX differentiate the layers' operations instead
	// of using pkg/rnn's hand-derived gradients (same numbers, slower).
	PlainAutodiff bool
}

// Input is one-hot, [L, 1, V] float32 (seq_len, batch=1, input_size).
func (m CellModel) Input(v *Vocab, s string) (*tensors.Tensor, error) { return oneHotInput(v, s) }

// Build creates rnncell/{weight_ih, weight_hh, bias_ih, bias_hh}.
func (m CellModel) Build(ctx *context.Context) error {
	_, err := m.cell(ctx)
	return err
}

func (m CellModel) cell(ctx *context.Context) (*rnn.Cell, error) {
	return rnn.NewCell(ctx.In("rnncell"), m.InputSize, m.HiddenSize).CustomGradient(!m.PlainAutodiff).Done()
}

// Logits steps the cell over the L steps of x [L, 1, I] and stacks the
// hidden states: [L, H].
func (m CellModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	cell, err := m.cell(ctx)
	if err != nil {
		panic(err)
	}
	seqLen := x.Shape().Dim(0)
	var hidden *graph.Node // nil: zeros, the lecture's init_hidden()
	steps := make([]*graph.Node, seqLen)
	for t := range seqLen {
		// x is data: slicing it is fine (no gradient flows into it).
		input := graph.Reshape(graph.Slice(x, graph.AxisElem(t)), x.Shape().Dim(1), x.Shape().Dim(2))
		hidden = cell.Forward(input, hidden)
		steps[t] = hidden
	}
	return graph.Reshape(graph.Stack(steps, 0), seqLen, m.HiddenSize)
}

// String describes the model as PyTorch constructs it.
func (m CellModel) String() string {
	return fmt.Sprintf("RNNCell(input_size=%d, hidden_size=%d), batch 1, stepped by hand", m.InputSize, m.HiddenSize)
}

// RNNModel is the lecture's second model: an RNN(input_size, hidden_size,
// num_layers) over the whole sequence, its output viewed as (-1,
// hidden_size) logits. Parameters: "rnn/weight_ih_l0" …
type RNNModel struct {
	InputSize, HiddenSize, NumLayers int
	// PlainAutodiff: see CellModel.
	PlainAutodiff bool
}

// Input is one-hot, [L, 1, V] float32 (seq_len, batch=1, input_size).
func (m RNNModel) Input(v *Vocab, s string) (*tensors.Tensor, error) { return oneHotInput(v, s) }

// Build creates rnn/{weight_ih_l0, …}.
func (m RNNModel) Build(ctx *context.Context) error {
	_, err := m.rnn(ctx)
	return err
}

func (m RNNModel) rnn(ctx *context.Context) (*rnn.RNN, error) {
	return rnn.New(ctx.In("rnn"), m.InputSize, m.HiddenSize).NumLayers(max(m.NumLayers, 1)).CustomGradient(!m.PlainAutodiff).Done()
}

// Logits runs the RNN over x [L, 1, I] (h0 zeros): out.view(-1, hidden_size) = [L, H].
func (m RNNModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	r, err := m.rnn(ctx)
	if err != nil {
		panic(err)
	}
	out, _ := r.Forward(x, nil)
	return graph.Reshape(out, -1, m.HiddenSize)
}

// String describes the model as PyTorch constructs it.
func (m RNNModel) String() string {
	return fmt.Sprintf("RNN(input_size=%d, hidden_size=%d, num_layers=%d)", m.InputSize, m.HiddenSize, max(m.NumLayers, 1))
}

// EmbeddingModel is the lecture's third model: Embedding(input_size,
// embedding_size) → RNN(embedding_size, hidden_size, num_layers,
// batch_first=True) → Linear(hidden_size, num_class), on character indices.
// Parameters: "emb/weight", "rnn/weight_ih_l0" …, "fc/weight", "fc/bias".
type EmbeddingModel struct {
	InputSize, EmbeddingSize, HiddenSize, NumLayers, NumClass int
	// PlainAutodiff: see CellModel.
	PlainAutodiff bool
}

// Input is the character indices, [1, L] int32 (batch=1, seq_len).
func (m EmbeddingModel) Input(v *Vocab, s string) (*tensors.Tensor, error) {
	row, err := v.encode32(s)
	if err != nil {
		return nil, err
	}
	if v.Size() > m.InputSize {
		return nil, fmt.Errorf("seq2seq: the vocabulary has %d characters but the embedding only %d rows", v.Size(), m.InputSize)
	}
	return tensors.FromFlatDataAndDimensions(row, 1, len(row)), nil
}

// Build creates emb/weight, rnn/{weight_ih_l0, …}, fc/{weight, bias}.
func (m EmbeddingModel) Build(ctx *context.Context) error {
	_, _, _, err := m.layers(ctx)
	return err
}

func (m EmbeddingModel) layers(ctx *context.Context) (*rnn.Embedding, *rnn.RNN, *rnn.Linear, error) {
	emb, err := rnn.NewEmbedding(ctx.In("emb"), m.InputSize, m.EmbeddingSize).Done()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := rnn.New(ctx.In("rnn"), m.EmbeddingSize, m.HiddenSize).NumLayers(max(m.NumLayers, 1)).BatchFirst(true).
		CustomGradient(!m.PlainAutodiff).Done()
	if err != nil {
		return nil, nil, nil, err
	}
	fc, err := rnn.NewLinear(ctx.In("fc"), m.HiddenSize, m.NumClass).CustomGradient(!m.PlainAutodiff).Done()
	return emb, r, fc, err
}

// Logits embeds x [1, L], runs the RNN (batch_first, h0 zeros) and the
// Linear layer: x.view(-1, num_class) = [L, C].
func (m EmbeddingModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	emb, r, fc, err := m.layers(ctx)
	if err != nil {
		panic(err)
	}
	out, _ := r.Forward(emb.Forward(x), nil) // [1, L, H]
	return graph.Reshape(fc.Forward(out), -1, m.NumClass)
}

// String describes the model as PyTorch constructs it.
func (m EmbeddingModel) String() string {
	return fmt.Sprintf("Embedding(%d, %d) → RNN(%d, %d, num_layers=%d, batch_first=True) → Linear(%d, %d)",
		m.InputSize, m.EmbeddingSize, m.EmbeddingSize, m.HiddenSize, max(m.NumLayers, 1), m.HiddenSize, m.NumClass)
}

// oneHotInput is s one-hot as [L, 1, V] float32: seq_len, batch 1, features.
func oneHotInput(v *Vocab, s string) (*tensors.Tensor, error) {
	flat, err := v.flatOneHot(s)
	if err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(flat, len(flat)/v.Size(), 1, v.Size()), nil
}

// labelsOf encodes the target string as class indices [L, 1] int32, the
// shape GoMLX's sparse cross-entropy wants.
func labelsOf(v *Vocab, target string) (*tensors.Tensor, error) {
	flat, err := v.encode32(target)
	if err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(flat, len(flat), 1), nil
}
