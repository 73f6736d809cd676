package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// EncoderDecoder is mathor's character Seq2Seq: an encoder RNN reads the
// padded source word and its end symbol; a decoder RNN, started from the
// encoder's final state h_n, reads the start symbol and the padded target;
// a Linear layer maps every decoder step to the vocabulary:
//
//	encoder = nn.RNN(V, H); decoder = nn.RNN(V, H); fc = nn.Linear(H, V)
//
// Parameters live in the scopes "encoder", "decoder" and "fc" under
// PyTorch's names, so a state_dict of mathor's model loads by name. It is a
// Model: Train trains it; a Translator (translate.go) decodes with it.
//
// Deprecated: notebook 03 writes this model, its training loop and its
// decoders in its cells (internal/notebook03 is generated from them). This
// copy stays only for notebook 04's cells that still call it.
type EncoderDecoder struct {
	// Vocab must contain Start, End and Pad (MathorChars does).
	Vocab *Vocab
	// NStep is the longest word (5 for mathor's pairs): every word is padded
	// to NStep characters, and sequences are NStep+1 steps long.
	NStep int
	// Hidden is the hidden size H of both RNNs (128).
	Hidden int
}

// NewEncoderDecoder checks the configuration: the vocabulary must have the
// three symbols, NStep and Hidden must be positive.
//
// Deprecated: see EncoderDecoder.
func NewEncoderDecoder(vocab *Vocab, nStep, hidden int) (*EncoderDecoder, error) {
	if vocab == nil {
		return nil, fmt.Errorf("seq2seq: no vocabulary for the encoder–decoder")
	}
	for _, r := range []rune{Start, End, Pad} {
		if _, err := vocab.Index(r); err != nil {
			return nil, fmt.Errorf("seq2seq: the vocabulary %q lacks the symbol %q", vocab.Chars(), r)
		}
	}
	if nStep <= 0 {
		return nil, fmt.Errorf("seq2seq: n_step must be positive, got %d", nStep)
	}
	if hidden <= 0 {
		return nil, fmt.Errorf("seq2seq: hidden size must be positive, got %d", hidden)
	}
	return &EncoderDecoder{Vocab: vocab, NStep: nStep, Hidden: hidden}, nil
}

// String describes the model as PyTorch constructs it.
func (m *EncoderDecoder) String() string {
	v := m.Vocab.Size()
	return fmt.Sprintf("encoder RNN(%d, %d), decoder RNN(%d, %d), Linear(%d, %d); n_step %d", v, m.Hidden, v, m.Hidden, m.Hidden, v, m.NStep)
}

// Steps is the length of every sequence, NStep+1.
func (m *EncoderDecoder) Steps() int { return m.NStep + 1 }

// Batch is a batch of examples as mathor's make_data lays it out
// (batch first): EncIn and DecIn are one-hot [B, NStep+1, V] float32,
// DecOut is class indices [B, NStep+1] int32. EncIdx and DecIdx are the
// class indices of EncIn's and DecIn's one-hot rows, [B, NStep+1] int32:
// the model reads those (a row lookup gives exactly the product with the
// one-hot rows, without the matrix product).
//
// Deprecated: see EncoderDecoder.
type Batch struct {
	EncIn, DecIn, DecOut *tensors.Tensor
	EncIdx, DecIdx       *tensors.Tensor
}

// pad checks a word and pads it with Pad to NStep characters.
func (m *EncoderDecoder) pad(word string) (string, error) {
	n := len([]rune(word))
	switch {
	case word == "":
		return "", fmt.Errorf("seq2seq: empty word")
	case n > m.NStep:
		return "", fmt.Errorf("seq2seq: word %q has %d characters, more than n_step=%d", word, n, m.NStep)
	}
	for pos, r := range word {
		if _, err := m.Vocab.Index(r); err != nil || r == Start || r == End || r == Pad {
			return "", fmt.Errorf("seq2seq: character %q at position %d of %q is not a letter of the vocabulary %q",
				r, pos, word, strings.TrimLeft(m.Vocab.Chars(), string([]rune{Start, End, Pad})))
		}
	}
	return word + strings.Repeat(string(Pad), m.NStep-n), nil
}

// padPair checks a pair's words and pads them with Pad to NStep characters;
// an error says which word is wrong.
func (m *EncoderDecoder) padPair(p Pair) (src, tgt string, err error) {
	if src, err = m.pad(p.Source); err != nil {
		return "", "", fmt.Errorf("source: %w", err)
	}
	if tgt, err = m.pad(p.Target); err != nil {
		return "", "", fmt.Errorf("target: %w", err)
	}
	return src, tgt, nil
}

// MakeData encodes pairs as mathor's make_data does: each word padded with
// '?' to NStep; encoder input = source + 'E', decoder input = 'S' + target,
// decoder output = target + 'E'. An empty word, a word longer than NStep or
// a character outside the vocabulary is an error that names it.
func (m *EncoderDecoder) MakeData(pairs []Pair) (Batch, error) {
	if len(pairs) == 0 {
		return Batch{}, fmt.Errorf("seq2seq: no pairs")
	}
	steps, v := m.Steps(), m.Vocab.Size()
	encIn := make([]float32, 0, len(pairs)*steps*v)
	decIn := make([]float32, 0, len(pairs)*steps*v)
	for i, p := range pairs {
		src, tgt, err := m.padPair(p)
		if err != nil {
			return Batch{}, fmt.Errorf("pair %d %w", i, err)
		}
		encIn = append(encIn, m.oneHot(src+string(End))...)
		decIn = append(decIn, m.oneHot(string(Start)+tgt)...)
	}
	idx, decOut, err := m.Examples(pairs)
	if err != nil {
		return Batch{}, err
	}
	b := len(pairs)
	return Batch{
		EncIn:  tensors.FromFlatDataAndDimensions(encIn, b, steps, v),
		DecIn:  tensors.FromFlatDataAndDimensions(decIn, b, steps, v),
		DecOut: decOut,
		EncIdx: idx[0],
		DecIdx: idx[1],
	}, nil
}

// Examples implements Model: the pairs as MakeData lays them out, as class
// indices only: inputs EncIdx and DecIdx, labels DecOut, [B, NStep+1] int32.
func (m *EncoderDecoder) Examples(pairs []Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	if len(pairs) == 0 {
		return nil, nil, fmt.Errorf("seq2seq: no pairs")
	}
	var encIdx, decIdx, decOut []int32
	for _, p := range pairs {
		src, tgt, err := m.padPair(p)
		if err != nil {
			return nil, nil, err
		}
		encIdx = append(encIdx, m.indices(src+string(End))...)
		decIdx = append(decIdx, m.indices(string(Start)+tgt)...)
		decOut = append(decOut, m.indices(tgt+string(End))...)
	}
	b, steps := len(pairs), m.Steps()
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(encIdx, b, steps), tensors.FromFlatDataAndDimensions(decIdx, b, steps)},
		tensors.FromFlatDataAndDimensions(decOut, b, steps), nil
}

// indices of a string whose characters are known to be in the vocabulary.
func (m *EncoderDecoder) indices(s string) []int32 {
	idx, _ := m.Vocab.encode32(s)
	return idx
}

// oneHot of a string whose characters are known to be in the vocabulary.
func (m *EncoderDecoder) oneHot(s string) []float32 {
	flat, _ := m.Vocab.flatOneHot(s)
	return flat
}

// Build creates the parameters (encoder/…, decoder/…, fc/…) in ctx, or
// finds them: to set or load them before training.
func (m *EncoderDecoder) Build(ctx *context.Context) error {
	_, err := m.layers(ctx)
	return err
}

// encoderDecoderLayers are an EncoderDecoder's three layers.
type encoderDecoderLayers struct {
	enc, dec *rnn.RNN
	fc       *rnn.Linear
}

func (m *EncoderDecoder) layers(ctx *context.Context) (l encoderDecoderLayers, err error) {
	v := m.Vocab.Size()
	if l.enc, err = rnn.New(ctx.In("encoder"), v, m.Hidden).Done(); err != nil {
		return l, err
	}
	if l.dec, err = rnn.New(ctx.In("decoder"), v, m.Hidden).Done(); err != nil {
		return l, err
	}
	l.fc, err = rnn.NewLinear(ctx.In("fc"), m.Hidden, v).Done()
	return l, err
}

// Encode runs the encoder over encIn (batch first, as make_data lays it
// out: one-hot [B, T, V] float32, or the class indices [B, T] int32 of those
// rows) and returns its final state h_n [1, B, H]: the context vector handed
// to the decoder. The initial state is zeros of the input's batch size
// (mathor's h_0 is fixed to the training batch size).
func (m *EncoderDecoder) Encode(ctx *context.Context, encIn *graph.Node) *graph.Node {
	_, hN := runRNN(rnn.Must(m.layers(ctx)).enc, encIn, nil)
	return hN
}

// Decode runs the decoder over decIn (one-hot [B, T, V] or indices [B, T],
// as for Encode) from state h [1, B, H] and applies fc at every step:
// logits [T, B, V] (time first, as mathor's model returns them), and the
// decoder's final state.
func (m *EncoderDecoder) Decode(ctx *context.Context, decIn, h *graph.Node) (logits, hN *graph.Node) {
	l := rnn.Must(m.layers(ctx))
	out, hN := runRNN(l.dec, decIn, h) // [T, B, H]
	return l.fc.Forward(out), hN
}

// runRNN runs a time-major RNN on batch-first input: one-hot rows
// [B, T, V], or their class indices [B, T] (read with ForwardOneHot: the same
// numbers, without the input matrix product).
func runRNN(r *rnn.RNN, in, h0 *graph.Node) (out, hN *graph.Node) {
	if in.DType().IsInt() {
		return r.ForwardOneHot(graph.Transpose(in, 0, 1), h0)
	}
	return r.Forward(graph.Transpose(in, 0, 1), h0)
}

// Logits is mathor's forward: the decoder, started from the encoder's h_n,
// reads decIn; the result is [T, B, V]. Inputs are one-hot or indices (see
// Encode).
func (m *EncoderDecoder) Logits(ctx *context.Context, encIn, decIn *graph.Node) *graph.Node {
	logits, _ := m.Decode(ctx, decIn, m.Encode(ctx, encIn))
	return logits
}

// Forward implements Model: Logits of the inputs Examples returns.
func (m *EncoderDecoder) Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node {
	return m.Logits(ctx, inputs[0], inputs[1])
}

// Loss is mathor's training loss for logits [T, B, V] and targets [B, T]:
// for each example the mean cross-entropy over its T steps (or their sum,
// with ReduceSum), summed over the examples of the batch
// (`loss += criterion(pred[i], dec_output_batch[i])`). Padding steps count
// like any other, as in the original.
func (m *EncoderDecoder) Loss(logits, decOut *graph.Node, r Reduction) *graph.Node {
	steps, batch, v := logits.Shape().Dim(0), logits.Shape().Dim(1), logits.Shape().Dim(2)
	// Σ_b mean_t CE = (1/T) Σ_{t,b} CE: the targets are put in time-major
	// order to match the logits (cheaper than transposing the logits).
	labels := graph.Reshape(graph.Transpose(decOut, 0, 1), steps*batch)
	sum := CrossEntropy(graph.Reshape(logits, steps*batch, v), labels, ReduceSum)
	if r == ReduceSum {
		return sum
	}
	return graph.DivScalar(sum, float64(steps))
}

// MathorHidden is the hidden size of mathor's encoder–decoder.
//
// Deprecated: see EncoderDecoder.
const MathorHidden = 128

// NewMathor returns mathor's encoder–decoder: the MathorChars vocabulary,
// n_step MathorNStep, hidden size MathorHidden.
//
// Deprecated: see EncoderDecoder.
func NewMathor() (*EncoderDecoder, error) {
	vocab, err := NewVocab(MathorChars)
	if err != nil {
		return nil, err
	}
	return NewEncoderDecoder(vocab, MathorNStep, MathorHidden)
}

// MathorTraining returns mathor's training settings for Train: 5000 epochs of
// batches of 3 shuffled pairs, Adam lr 1e-3, seed 0.
//
// Deprecated: see EncoderDecoder.
func MathorTraining() Config {
	return Config{Epochs: 5000, BatchSize: 3, LearningRate: 1e-3, Shuffle: true}
}
