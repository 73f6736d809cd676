package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
)

// Decoding with a trained EncoderDecoder: mathor's translate (the decoder fed
// padding) and greedy decoding (the decoder fed its own predictions).
// Deprecated with EncoderDecoder: notebook 03 writes both in its cells.

// Translator translates words with a trained EncoderDecoder whose
// parameters are in Ctx (a Result's Ctx, or LoadCheckpoint's). It compiles
// its graphs on first use and keeps them.
//
// Deprecated: see EncoderDecoder.
type Translator struct {
	Model *EncoderDecoder
	Ctx   *context.Context

	full, encode, step *context.Exec
}

// Translator returns a translator using the parameters in ctx.
func (m *EncoderDecoder) Translator(ctx *context.Context) *Translator {
	return &Translator{Model: m, Ctx: ctx}
}

// translationInput is mathor's make_data([[word, '?' * n_step]]): the
// encoder input of word, and the decoder input 'S' followed by padding.
func (m *EncoderDecoder) translationInput(word string) (Batch, error) {
	src, err := m.pad(word)
	if err != nil {
		return Batch{}, err
	}
	steps, v := m.Steps(), m.Vocab.Size()
	dec := string(Start) + strings.Repeat(string(Pad), m.NStep)
	return Batch{
		EncIn:  tensors.FromFlatDataAndDimensions(m.oneHot(src+string(End)), 1, steps, v),
		DecIn:  tensors.FromFlatDataAndDimensions(m.oneHot(dec), 1, steps, v),
		EncIdx: tensors.FromFlatDataAndDimensions(m.indices(src+string(End)), 1, steps),
		DecIdx: tensors.FromFlatDataAndDimensions(m.indices(dec), 1, steps),
	}, nil
}

// EncoderInput is the encoder's input for one word: the word padded to
// NStep, then 'E', one-hot [1, NStep+1, V]. Errors as MakeData's.
func (m *EncoderDecoder) EncoderInput(word string) (*tensors.Tensor, error) {
	b, err := m.translationInput(word)
	return b.EncIn, err
}

// prepare encodes word (see translationInput) and, on first use, makes the
// translator's executables: the full model, the encoder, and one decoder
// step (GoMLX compiles each on its first call).
func (t *Translator) prepare(word string) (Batch, error) {
	m := t.Model
	batch, err := m.translationInput(word)
	if err != nil || t.full != nil {
		return batch, err
	}
	b, err := backend.Get()
	if err != nil {
		return Batch{}, err
	}
	ctx := t.Ctx.Reuse()
	full, err := context.NewExec(b, ctx, func(ctx *context.Context, encIn, decIn *graph.Node) *graph.Node {
		return graph.ArgMax(m.Logits(ctx, encIn, decIn), -1, dtypes.Int32) // [T, 1]
	})
	if err != nil {
		return Batch{}, err
	}
	encode, err := context.NewExec(b, ctx, func(ctx *context.Context, encIn *graph.Node) *graph.Node {
		return m.Encode(ctx, encIn)
	})
	if err != nil {
		return Batch{}, err
	}
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, in, h *graph.Node) (*graph.Node, *graph.Node) {
		logits, hN := m.Decode(ctx, in, h) // one step: in [1, 1] (an index)
		return graph.ArgMax(logits, -1, dtypes.Int32), hN
	})
	if err != nil {
		return Batch{}, err
	}
	t.full, t.encode, t.step = full, encode, step
	return batch, nil
}

// Decoded is one translation: Steps is the argmax character of every
// decoder step, Text the translation read from it, and Ended whether an end
// symbol 'E' was produced (when it was not, Text is every step's character).
//
// Deprecated: see EncoderDecoder.
type Decoded struct {
	Steps string
	Text  string
	Ended bool
}

// TranslatePadded is mathor's translate(word): the word is padded and
// encoded, the decoder is fed the start symbol followed by padding (never
// its own predictions), the argmax is taken at every step, the result is
// cut at the first 'E' and the padding '?' removed. Unlike the original it
// does not fail when no 'E' is predicted (Ended is then false).
func (t *Translator) TranslatePadded(word string) (Decoded, error) {
	m := t.Model
	batch, err := t.prepare(word)
	if err != nil {
		return Decoded{}, err
	}
	out, err := t.full.Exec(batch.EncIdx, batch.DecIdx)
	if err != nil {
		return Decoded{}, fmt.Errorf("seq2seq: translating %q: %w", word, err)
	}
	idx := tensors.MustCopyFlatData[int32](out[0])
	var steps []rune
	for _, i := range idx {
		r, err := m.Vocab.Char(int(i))
		if err != nil {
			return Decoded{}, err
		}
		steps = append(steps, r)
	}
	d := Decoded{Steps: string(steps)}
	text := d.Steps
	if i := strings.IndexRune(text, End); i >= 0 {
		text, d.Ended = text[:i], true
	}
	d.Text = strings.ReplaceAll(text, string(Pad), "")
	return d, nil
}

// TranslateGreedy decodes autoregressively: the decoder starts from the
// encoder's state with the start symbol, and each predicted character is
// fed back as the next input, until 'E' or maxLen characters (maxLen <= 0
// means NStep+1). Padding characters are removed from Text.
func (t *Translator) TranslateGreedy(word string, maxLen int) (Decoded, error) {
	m := t.Model
	if maxLen <= 0 {
		maxLen = m.Steps()
	}
	batch, err := t.prepare(word)
	if err != nil {
		return Decoded{}, err
	}
	out, err := t.encode.Exec(batch.EncIdx)
	if err != nil {
		return Decoded{}, fmt.Errorf("seq2seq: translating %q: %w", word, err)
	}
	h := out[0]
	var steps []rune
	prev := Start
	d := Decoded{}
	for len(steps) < maxLen {
		res, err := t.step.Exec(tensors.FromFlatDataAndDimensions(m.indices(string(prev)), 1, 1), h)
		if err != nil {
			return Decoded{}, fmt.Errorf("seq2seq: translating %q: %w", word, err)
		}
		r, err := m.Vocab.Char(int(tensors.MustCopyFlatData[int32](res[0])[0]))
		if err != nil {
			return Decoded{}, err
		}
		h = res[1]
		steps = append(steps, r)
		if r == End {
			d.Ended = true
			break
		}
		prev = r
	}
	d.Steps = string(steps)
	d.Text = strings.ReplaceAll(strings.TrimSuffix(d.Steps, string(End)), string(Pad), "")
	return d, nil
}
