package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// CharModel is a Model that reads a string one character per step and
// predicts a character of its vocabulary at every step: a vocabulary and a
// network, one of the lecture-12 networks (CellModel, RNNModel,
// EmbeddingModel). It trains on one pair a step (batch 1), a source and a
// target of the same length; its Loss is CrossEntropy over the steps.
type CharModel struct {
	Vocab *Vocab
	Net   CharNet
}

// CharNet is the network of a CharModel: it reads an input encoded from a
// string and scores the vocabulary's characters at every step.
type CharNet interface {
	// Input encodes s, whose characters are in v, as the network's input
	// tensor (see each network).
	Input(v *Vocab, s string) (*tensors.Tensor, error)
	// Build creates the network's parameters in ctx (or finds them there),
	// without a graph: to set or load them before training.
	Build(ctx *context.Context) error
	// Logits builds the network in ctx (creating or reusing its parameters)
	// and returns the logits [L, V] of an input of L characters: row t
	// scores the classes for step t.
	Logits(ctx *context.Context, x *graph.Node) *graph.Node
	// String describes the network as PyTorch would construct it.
	String() string
}

var errNoNet = fmt.Errorf("seq2seq: the character model has no network (set its Net)")

// Input encodes s as the network's input.
func (m CharModel) Input(s string) (*tensors.Tensor, error) {
	switch {
	case m.Net == nil:
		return nil, errNoNet
	case m.Vocab == nil:
		return nil, fmt.Errorf("seq2seq: the character model has no vocabulary (set its Vocab)")
	}
	return m.Net.Input(m.Vocab, s)
}

// Build implements Model: the network's parameters.
func (m CharModel) Build(ctx *context.Context) error {
	if m.Net == nil {
		return errNoNet
	}
	return m.Net.Build(ctx)
}

// Examples implements Model: one pair, its source as Input and its target
// as class indices [L, 1], one per source step.
func (m CharModel) Examples(pairs []Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	if len(pairs) != 1 {
		return nil, nil, fmt.Errorf("seq2seq: %s trains on one pair a step (batch size 1), got %d", m, len(pairs))
	}
	p := pairs[0]
	x, err := m.Input(p.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("source: %w", err)
	}
	labels, err := m.Vocab.encode32(p.Target)
	if err != nil {
		return nil, nil, fmt.Errorf("target: %w", err)
	}
	if in, out := len([]rune(p.Source)), len(labels); in != out {
		return nil, nil, fmt.Errorf("source %q has %d characters but target %q has %d: one target character per source step",
			p.Source, in, p.Target, out)
	}
	return []*tensors.Tensor{x}, tensors.FromFlatDataAndDimensions(labels, len(labels), 1), nil
}

// Forward implements Model: the network's Logits of inputs[0].
func (m CharModel) Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node {
	return m.Net.Logits(ctx, inputs[0])
}

// Loss implements Model: CrossEntropy of the L steps.
func (m CharModel) Loss(logits, labels *graph.Node, r Reduction) *graph.Node {
	return CrossEntropy(logits, labels, r)
}

// String describes the network as PyTorch constructs it.
func (m CharModel) String() string {
	if m.Net == nil {
		return "CharModel without a network"
	}
	return m.Net.String()
}

// CellModel is the network of the lecture's first model: an RNNCell(input_size,
// hidden_size) stepped by hand over the sequence, whose hidden state is
// itself the logits (so hidden_size = the number of classes), batch 1.
// Parameters: "rnncell/weight_ih" …, as the lecture's self.rnncell.
type CellModel struct {
	InputSize, HiddenSize int
}

// Input is s one-hot, [L, 1, V] float32 (seq_len, batch=1, input_size).
func (m CellModel) Input(v *Vocab, s string) (*tensors.Tensor, error) { return oneHotInput(v, s) }

// Build creates rnncell/{weight_ih, weight_hh, bias_ih, bias_hh}.
func (m CellModel) Build(ctx *context.Context) error {
	_, err := m.cell(ctx)
	return err
}

func (m CellModel) cell(ctx *context.Context) (*rnn.Cell, error) {
	return rnn.NewCell(ctx.In("rnncell"), m.InputSize, m.HiddenSize).Done()
}

// Logits steps the cell over the L steps of x [L, 1, I] and stacks the
// hidden states: [L, H].
func (m CellModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	cell := rnn.Must(m.cell(ctx))
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

// RNNModel is the network of the lecture's second model: an RNN(input_size, hidden_size,
// num_layers) over the whole sequence, its output viewed as (-1,
// hidden_size) logits. Parameters: "rnn/weight_ih_l0" …
type RNNModel struct {
	InputSize, HiddenSize, NumLayers int
}

// Input is s one-hot, [L, 1, V] float32 (seq_len, batch=1, input_size).
func (m RNNModel) Input(v *Vocab, s string) (*tensors.Tensor, error) { return oneHotInput(v, s) }

// Build creates rnn/{weight_ih_l0, …}.
func (m RNNModel) Build(ctx *context.Context) error {
	_, err := m.rnn(ctx)
	return err
}

func (m RNNModel) rnn(ctx *context.Context) (*rnn.RNN, error) {
	return rnn.New(ctx.In("rnn"), m.InputSize, m.HiddenSize).NumLayers(max(m.NumLayers, 1)).Done()
}

// Logits runs the RNN over x [L, 1, I] (h0 zeros): out.view(-1, hidden_size) = [L, H].
func (m RNNModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	out, _ := rnn.Must(m.rnn(ctx)).Forward(x, nil)
	return graph.Reshape(out, -1, m.HiddenSize)
}

// String describes the model as PyTorch constructs it.
func (m RNNModel) String() string {
	return fmt.Sprintf("RNN(input_size=%d, hidden_size=%d, num_layers=%d)", m.InputSize, m.HiddenSize, max(m.NumLayers, 1))
}

// EmbeddingModel is the network of the lecture's third model: Embedding(input_size,
// embedding_size) → RNN(embedding_size, hidden_size, num_layers,
// batch_first=True) → Linear(hidden_size, num_class), on character indices.
// Parameters: "emb/weight", "rnn/weight_ih_l0" …, "fc/weight", "fc/bias".
type EmbeddingModel struct {
	InputSize, EmbeddingSize, HiddenSize, NumLayers, NumClass int
}

// Input is the indices of s's characters, [1, L] int32 (batch=1, seq_len).
func (m EmbeddingModel) Input(v *Vocab, s string) (*tensors.Tensor, error) {
	if v.Size() > m.InputSize {
		return nil, fmt.Errorf("seq2seq: the vocabulary has %d characters but the embedding only %d rows", v.Size(), m.InputSize)
	}
	row, err := v.encode32(s)
	if err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(row, 1, len(row)), nil
}

// embeddingLayers are an EmbeddingModel's three layers.
type embeddingLayers struct {
	emb *rnn.Embedding
	rnn *rnn.RNN
	fc  *rnn.Linear
}

// Build creates emb/weight, rnn/{weight_ih_l0, …}, fc/{weight, bias}.
func (m EmbeddingModel) Build(ctx *context.Context) error {
	_, err := m.layers(ctx)
	return err
}

func (m EmbeddingModel) layers(ctx *context.Context) (l embeddingLayers, err error) {
	if l.emb, err = rnn.NewEmbedding(ctx.In("emb"), m.InputSize, m.EmbeddingSize).Done(); err != nil {
		return l, err
	}
	if l.rnn, err = rnn.New(ctx.In("rnn"), m.EmbeddingSize, m.HiddenSize).NumLayers(max(m.NumLayers, 1)).BatchFirst(true).Done(); err != nil {
		return l, err
	}
	l.fc, err = rnn.NewLinear(ctx.In("fc"), m.HiddenSize, m.NumClass).Done()
	return l, err
}

// Logits embeds x [1, L], runs the RNN (batch_first, h0 zeros) and the
// Linear layer: x.view(-1, num_class) = [L, C].
func (m EmbeddingModel) Logits(ctx *context.Context, x *graph.Node) *graph.Node {
	l := rnn.Must(m.layers(ctx))
	out, _ := l.rnn.Forward(l.emb.Forward(x), nil) // [1, L, H]
	return graph.Reshape(l.fc.Forward(out), -1, m.NumClass)
}

// String describes the model as PyTorch constructs it.
func (m EmbeddingModel) String() string {
	return fmt.Sprintf("Embedding(%d, %d) → RNN(%d, %d, num_layers=%d, batch_first=True) → Linear(%d, %d)",
		m.InputSize, m.EmbeddingSize, m.EmbeddingSize, m.HiddenSize, max(m.NumLayers, 1), m.HiddenSize, m.NumClass)
}

var errNoVocab = fmt.Errorf("seq2seq: the model has no vocabulary (set its Vocab)")

// oneHotInput is s one-hot as [L, 1, V] float32: seq_len, batch 1, features.
func oneHotInput(v *Vocab, s string) (*tensors.Tensor, error) {
	flat, err := v.flatOneHot(s)
	if err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(flat, len(flat)/v.Size(), 1, v.Size()), nil
}

// predictor runs a CharModel and decodes the argmax of its logits.
type predictor struct {
	exec  *context.Exec
	vocab *Vocab
}

func newPredictor(b backends.Backend, ctx *context.Context, model CharModel) (*predictor, error) {
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		return graph.ArgMax(model.Net.Logits(ctx, x), -1, dtypes.Int32)
	})
	if err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}
	return &predictor{exec: exec, vocab: model.Vocab}, nil
}

func (p *predictor) run(x *tensors.Tensor) (string, error) {
	out, err := p.exec.Exec(x)
	if err != nil {
		return "", fmt.Errorf("seq2seq: %w", err)
	}
	idx := tensors.MustCopyFlatData[int32](out[0])
	chars := make([]int, len(idx))
	for i, c := range idx {
		chars[i] = int(c)
	}
	return p.vocab.Decode(chars)
}
