package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Specials are the start, end and padding symbols of a Layout's
// vocabularies.
type Specials struct{ Start, End, Pad rune }

// MathorSpecials are mathor's symbols: 'S' start, 'E' end, '?' padding.
var MathorSpecials = Specials{Start: Start, End: End, Pad: Pad}

// Layout is how pairs of strings become the index arrays of d2l.ai's
// encoder–decoders (chapter 10.5's build_array_nmt): a source is its
// characters, End, then Pad up to SourceSteps; the decoder reads Start and
// the target (d2l's bos + Y[:-1]) and is trained to predict the target and
// End, padded to TargetSteps.
//
//	"girl" → "boy" (MaxSource = MaxTarget = 5):
//	src "girlE?" (valid length 5), decoder input "SboyE?", labels "boyE??"
//
// It checks every string on the host (the graph cannot check indices): an
// empty string, one longer than MaxSource or MaxTarget, a character outside
// the vocabulary or a special symbol in a string is an error that names it.
type Layout struct {
	// Src and Tgt are the source and target vocabularies; each holds the
	// three Specials.
	Src, Tgt *Vocab
	Specials
	// MaxSource and MaxTarget are the longest source and target, in
	// characters (sequences are one step longer, for End).
	MaxSource, MaxTarget int
}

// NewLayout returns the layout of vocabularies of srcChars and tgtChars with
// the special symbols sp, for sources of up to maxSource characters and
// targets of up to maxTarget; see Check for what is an error.
func NewLayout(srcChars, tgtChars string, sp Specials, maxSource, maxTarget int) (*Layout, error) {
	l := &Layout{Specials: sp, MaxSource: maxSource, MaxTarget: maxTarget}
	var err error
	if l.Src, err = NewVocab(srcChars); err != nil {
		return nil, err
	}
	if l.Tgt, err = NewVocab(tgtChars); err != nil {
		return nil, err
	}
	return l, l.Check()
}

// NewDateLayout returns the layout of the date task: the DateSourceChars and
// DateTargetChars vocabularies, DateSpecials, sources of up to DateMaxSource
// characters and targets of DateMaxTarget.
func NewDateLayout() (*Layout, error) {
	return NewLayout(DateSourceChars, DateTargetChars, DateSpecials, DateMaxSource, DateMaxTarget)
}

// NewWordLayout returns a layout for mathor's word pairs: the MathorChars
// vocabulary on both sides, MathorSpecials, words of up to MathorNStep
// letters.
func NewWordLayout() (*Layout, error) {
	return NewLayout(MathorChars, MathorChars, MathorSpecials, MathorNStep, MathorNStep)
}

// Check validates the layout: both vocabularies, holding the three distinct
// symbols, and positive lengths.
func (l *Layout) Check() error {
	sp := l.Specials
	switch {
	case l.Src == nil || l.Tgt == nil:
		return fmt.Errorf("seq2seq: the layout needs a source and a target vocabulary")
	case sp.Start == sp.End || sp.Start == sp.Pad || sp.End == sp.Pad:
		return fmt.Errorf("seq2seq: the start, end and padding symbols must differ, got %q, %q, %q", sp.Start, sp.End, sp.Pad)
	case l.MaxSource <= 0 || l.MaxTarget <= 0:
		return fmt.Errorf("seq2seq: the longest source and target must be positive, got %d and %d", l.MaxSource, l.MaxTarget)
	}
	for _, v := range []*Vocab{l.Src, l.Tgt} {
		for _, r := range []rune{sp.Start, sp.End, sp.Pad} {
			if _, err := v.Index(r); err != nil {
				return fmt.Errorf("seq2seq: the vocabulary %q lacks the symbol %q", v.Chars(), r)
			}
		}
	}
	return nil
}

// SourceSteps is the length of every encoder input, MaxSource+1.
func (l *Layout) SourceSteps() int { return l.MaxSource + 1 }

// TargetSteps is the length of every decoder input and target, MaxTarget+1.
func (l *Layout) TargetSteps() int { return l.MaxTarget + 1 }

// indices checks a source or target string (not empty, at most max
// characters, only characters of v and none of the symbols) and returns its
// indices followed by End, padded with Pad to max+1.
func (l *Layout) indices(v *Vocab, s string, max int) ([]int32, error) {
	n := len([]rune(s))
	switch {
	case s == "":
		return nil, fmt.Errorf("seq2seq: empty string")
	case n > max:
		return nil, fmt.Errorf("seq2seq: %q has %d characters, more than the %d the model takes", s, n, max)
	}
	pos := 0
	for _, r := range s {
		if _, err := v.Index(r); err != nil || r == l.Start || r == l.End || r == l.Pad {
			return nil, fmt.Errorf("seq2seq: character %q at position %d of %q is not in the vocabulary %q",
				r, pos, s, strings.TrimLeft(v.Chars(), string([]rune{l.Start, l.End, l.Pad})))
		}
		pos++
	}
	return v.encode32(s + string(l.End) + strings.Repeat(string(l.Pad), max-n))
}

// SourceIndices is the encoder input of one source: its indices, End, then
// Pad to SourceSteps, and its valid length (characters + 1).
func (l *Layout) SourceIndices(source string) ([]int32, int, error) {
	idx, err := l.indices(l.Src, source, l.MaxSource)
	return idx, len([]rune(source)) + 1, err
}

// Examples lays out pairs as one batch, the inputs and labels of a Model
// (Train's): inputs src [B, SourceSteps] (indices), srcLen [B] (valid
// lengths, End included) and decIn [B, TargetSteps] (Start, then the target
// and End, padded: d2l's bos + Y[:-1]), all int32; labels [B, TargetSteps]
// int32, the target, End, then Pad. An error says which string is wrong and
// why.
func (l *Layout) Examples(pairs []Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	if err := l.Check(); err != nil {
		return nil, nil, err
	}
	if len(pairs) == 0 {
		return nil, nil, fmt.Errorf("seq2seq: no pairs")
	}
	start, _ := l.Tgt.Index(l.Start)
	var src, lens, decIn, labels []int32
	for _, p := range pairs {
		s, n, err := l.SourceIndices(p.Source)
		if err != nil {
			return nil, nil, fmt.Errorf("source: %w", err)
		}
		t, err := l.indices(l.Tgt, p.Target, l.MaxTarget)
		if err != nil {
			return nil, nil, fmt.Errorf("target: %w", err)
		}
		src, lens = append(src, s...), append(lens, int32(n))
		decIn = append(append(decIn, int32(start)), t[:len(t)-1]...)
		labels = append(labels, t...)
	}
	b := len(pairs)
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(src, b, l.SourceSteps()),
		tensors.FromFlatDataAndDimensions(lens, b),
		tensors.FromFlatDataAndDimensions(decIn, b, l.TargetSteps()),
	}, tensors.FromFlatDataAndDimensions(labels, b, l.TargetSteps()), nil
}
