package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// The special symbols of mathor's encoder–decoder vocabulary.
const (
	// Start ('S') is the decoder's first input.
	Start = 'S'
	// End ('E') ends a sequence: appended to the encoder's input and the decoder's target.
	End = 'E'
	// Pad ('?') pads a word to NStep characters.
	Pad = '?'
)

// MathorChars is the vocabulary of mathor's Seq2Seq: the three symbols, then
// the 26 lowercase letters (29 classes).
const MathorChars = "SE?abcdefghijklmnopqrstuvwxyz"

// Pair is one training example: a source word and its target word.
type Pair struct{ Source, Target string }

// MathorPairs are mathor's six training pairs.
var MathorPairs = []Pair{
	{"man", "women"}, {"black", "white"}, {"king", "queen"},
	{"girl", "boy"}, {"up", "down"}, {"high", "low"},
}

// EncoderDecoder is mathor's character Seq2Seq: an encoder RNN reads the
// padded source word and its end symbol; a decoder RNN, started from the
// encoder's final state h_n, reads the start symbol and the padded target;
// a Linear layer maps every decoder step to the vocabulary:
//
//	encoder = nn.RNN(V, H); decoder = nn.RNN(V, H); fc = nn.Linear(H, V)
//
// Parameters live in the scopes "encoder", "decoder" and "fc" under
// PyTorch's names, so a state_dict of mathor's model loads by name.
type EncoderDecoder struct {
	// Vocab must contain Start, End and Pad (MathorChars does).
	Vocab *Vocab
	// NStep is the longest word (5 for mathor's pairs): every word is padded
	// to NStep characters, and sequences are NStep+1 steps long.
	NStep int
	// Hidden is the hidden size H of both RNNs (128).
	Hidden int
	// PlainAutodiff makes GoMLX differentiate the layers' forward operations
	// instead of using pkg/rnn's hand-derived gradients (the same numbers,
	// several times slower on the pure-Go backend): for comparisons.
	PlainAutodiff bool
}

// NewEncoderDecoder checks the configuration: the vocabulary must have the
// three symbols, NStep and Hidden must be positive.
func NewEncoderDecoder(vocab *Vocab, nStep, hidden int) (*EncoderDecoder, error) {
	if vocab == nil {
		return nil, fmt.Errorf("seq2seq.NewEncoderDecoder: nil vocabulary")
	}
	for _, r := range []rune{Start, End, Pad} {
		if _, err := vocab.Index(r); err != nil {
			return nil, fmt.Errorf("seq2seq.NewEncoderDecoder: the vocabulary %q lacks the symbol %q", vocab.Chars(), r)
		}
	}
	if nStep <= 0 {
		return nil, fmt.Errorf("seq2seq.NewEncoderDecoder: n_step must be positive, got %d", nStep)
	}
	if hidden <= 0 {
		return nil, fmt.Errorf("seq2seq.NewEncoderDecoder: hidden size must be positive, got %d", hidden)
	}
	return &EncoderDecoder{Vocab: vocab, NStep: nStep, Hidden: hidden}, nil
}

// Steps is the length of every sequence, NStep+1.
func (m *EncoderDecoder) Steps() int { return m.NStep + 1 }

// Batch is a batch of examples as mathor's make_data lays it out
// (batch first): EncIn and DecIn are one-hot [B, NStep+1, V] float32,
// DecOut is class indices [B, NStep+1] int32. EncIdx and DecIdx are the
// class indices of EncIn's and DecIn's one-hot rows, [B, NStep+1] int32:
// the model reads those (a row lookup gives exactly the product with the
// one-hot rows, without the matrix product).
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

// MakeData encodes pairs as mathor's make_data does: each word padded with
// '?' to NStep; encoder input = source + 'E', decoder input = 'S' + target,
// decoder output = target + 'E'. An empty word, a word longer than NStep or
// a character outside the vocabulary is an error that names it.
func (m *EncoderDecoder) MakeData(pairs []Pair) (Batch, error) {
	if len(pairs) == 0 {
		return Batch{}, fmt.Errorf("seq2seq.MakeData: no pairs")
	}
	steps, v := m.Steps(), m.Vocab.Size()
	encIn := make([]float32, 0, len(pairs)*steps*v)
	decIn := make([]float32, 0, len(pairs)*steps*v)
	var encIdx, decIdx, decOut []int32
	for i, p := range pairs {
		src, err := m.pad(p.Source)
		if err != nil {
			return Batch{}, fmt.Errorf("pair %d source: %w", i, err)
		}
		tgt, err := m.pad(p.Target)
		if err != nil {
			return Batch{}, fmt.Errorf("pair %d target: %w", i, err)
		}
		encIn = append(encIn, m.oneHot(src+string(End))...)
		decIn = append(decIn, m.oneHot(string(Start)+tgt)...)
		encIdx = append(encIdx, m.indices(src+string(End))...)
		decIdx = append(decIdx, m.indices(string(Start)+tgt)...)
		decOut = append(decOut, m.indices(tgt+string(End))...)
	}
	b := len(pairs)
	return Batch{
		EncIn:  tensors.FromFlatDataAndDimensions(encIn, b, steps, v),
		DecIn:  tensors.FromFlatDataAndDimensions(decIn, b, steps, v),
		DecOut: tensors.FromFlatDataAndDimensions(decOut, b, steps),
		EncIdx: tensors.FromFlatDataAndDimensions(encIdx, b, steps),
		DecIdx: tensors.FromFlatDataAndDimensions(decIdx, b, steps),
	}, nil
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
	_, _, _, err := m.layers(ctx)
	return err
}

func (m *EncoderDecoder) layers(ctx *context.Context) (enc, dec *rnn.RNN, fc *rnn.Linear, err error) {
	v, custom := m.Vocab.Size(), !m.PlainAutodiff
	if enc, err = rnn.New(ctx.In("encoder"), v, m.Hidden).CustomGradient(custom).Done(); err != nil {
		return
	}
	if dec, err = rnn.New(ctx.In("decoder"), v, m.Hidden).CustomGradient(custom).Done(); err != nil {
		return
	}
	fc, err = rnn.NewLinear(ctx.In("fc"), m.Hidden, v).CustomGradient(custom).Done()
	return
}

// Encode runs the encoder over encIn (batch first, as make_data lays it
// out: one-hot [B, T, V] float32, or the class indices [B, T] int32 of those
// rows) and returns its final state h_n [1, B, H]: the context vector handed
// to the decoder. The initial state is zeros of the input's batch size
// (mathor's h_0 is fixed to the training batch size).
func (m *EncoderDecoder) Encode(ctx *context.Context, encIn *graph.Node) *graph.Node {
	enc, _, _, err := m.layers(ctx)
	if err != nil {
		panic(err)
	}
	_, hN := runRNN(enc, encIn, nil)
	return hN
}

// Decode runs the decoder over decIn (one-hot [B, T, V] or indices [B, T],
// as for Encode) from state h [1, B, H] and applies fc at every step:
// logits [T, B, V] (time first, as mathor's model returns them), and the
// decoder's final state.
func (m *EncoderDecoder) Decode(ctx *context.Context, decIn, h *graph.Node) (logits, hN *graph.Node) {
	_, dec, fc, err := m.layers(ctx)
	if err != nil {
		panic(err)
	}
	out, hN := runRNN(dec, decIn, h) // [T, B, H]
	return fc.Forward(out), hN
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

// Loss is mathor's training loss for logits [T, B, V] and targets [B, T]:
// for each example the mean cross-entropy over its T steps, summed over the
// examples of the batch (`loss += criterion(pred[i], dec_output_batch[i])`).
// Padding steps count like any other, as in the original.
func (m *EncoderDecoder) Loss(logits, decOut *graph.Node) *graph.Node {
	steps, batch, v := logits.Shape().Dim(0), logits.Shape().Dim(1), logits.Shape().Dim(2)
	// Σ_b mean_t CE = (1/T) Σ_{t,b} CE: the targets are put in time-major
	// order to match the logits (cheaper than transposing the logits).
	labels := graph.Reshape(graph.Transpose(decOut, 0, 1), steps*batch)
	return graph.DivScalar(CrossEntropy(graph.Reshape(logits, steps*batch, v), labels, true), float64(steps))
}
