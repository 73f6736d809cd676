package seq2seq

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Vocab maps characters to class indices and back, in the order given:
// NewVocab("ehlo") is the lecture's idx2char = ['e', 'h', 'l', 'o'].
type Vocab struct {
	chars []rune
	index map[rune]int
}

// NewVocab builds a vocabulary from its characters, in index order. It is an
// error to give no characters or a character twice.
func NewVocab(chars string) (*Vocab, error) {
	if chars == "" {
		return nil, fmt.Errorf("seq2seq: no characters given")
	}
	if !utf8.ValidString(chars) {
		return nil, fmt.Errorf("seq2seq: %q is not valid UTF-8", chars)
	}
	v := &Vocab{index: map[rune]int{}}
	for _, r := range chars {
		if i, dup := v.index[r]; dup {
			return nil, fmt.Errorf("seq2seq: character %q appears twice (at %d and %d) in %q", r, i, len(v.chars), chars)
		}
		v.index[r] = len(v.chars)
		v.chars = append(v.chars, r)
	}
	return v, nil
}

// VocabOf builds the vocabulary of a text: its distinct characters in the
// order they first appear (VocabOf("hello") is "helo"), what a character-level
// language model predicts. It is an error to give no text or invalid UTF-8.
func VocabOf(text string) (*Vocab, error) {
	seen := map[rune]bool{}
	var chars []rune
	for _, r := range text {
		if !seen[r] {
			seen[r] = true
			chars = append(chars, r)
		}
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("seq2seq: %q is not valid UTF-8", text)
	}
	return NewVocab(string(chars))
}

// Size is the number of characters, the number of classes V.
func (v *Vocab) Size() int { return len(v.chars) }

// Chars returns the characters in index order.
func (v *Vocab) Chars() string { return string(v.chars) }

// Char returns the character of index i.
func (v *Vocab) Char(i int) (rune, error) {
	if i < 0 || i >= len(v.chars) {
		return 0, fmt.Errorf("seq2seq: index %d out of range for a vocabulary of %d characters %q", i, len(v.chars), v.Chars())
	}
	return v.chars[i], nil
}

// Index returns the index of character r.
func (v *Vocab) Index(r rune) (int, error) {
	i, ok := v.index[r]
	if !ok {
		return 0, fmt.Errorf("seq2seq: unknown character %q: the vocabulary has only %q", r, v.Chars())
	}
	return i, nil
}

// Encode returns the indices of the characters of s. An empty string, or a
// character not in the vocabulary, is an error that names it and its position.
func (v *Vocab) Encode(s string) ([]int, error) {
	if s == "" {
		return nil, fmt.Errorf("seq2seq: cannot encode an empty string")
	}
	out := make([]int, 0, len(s))
	pos := 0
	for _, r := range s {
		i, ok := v.index[r]
		if !ok {
			return nil, fmt.Errorf("seq2seq: unknown character %q at position %d of %q: the vocabulary has only %q", r, pos, s, v.Chars())
		}
		out = append(out, i)
		pos++
	}
	return out, nil
}

// Decode returns the characters of the given indices.
func (v *Vocab) Decode(indices []int) (string, error) {
	var sb strings.Builder
	for pos, i := range indices {
		if i < 0 || i >= len(v.chars) {
			return "", fmt.Errorf("seq2seq: index %d at position %d out of range for a vocabulary of %d characters %q", i, pos, len(v.chars), v.Chars())
		}
		sb.WriteRune(v.chars[i])
	}
	return sb.String(), nil
}

// OneHot encodes s as one-hot rows [len(s)][V]: row t has a 1 at the index
// of s's t-th character (the lecture's one_hot_lookup).
func (v *Vocab) OneHot(s string) ([][]float32, error) {
	idx, err := v.Encode(s)
	if err != nil {
		return nil, err
	}
	rows := make([][]float32, len(idx))
	for t, i := range idx {
		rows[t] = make([]float32, len(v.chars))
		rows[t][i] = 1
	}
	return rows, nil
}

// encode32 is Encode as int32s, the dtype the graphs take class indices in.
func (v *Vocab) encode32(s string) ([]int32, error) {
	idx, err := v.Encode(s)
	if err != nil {
		return nil, err
	}
	out := make([]int32, len(idx))
	for i, c := range idx {
		out[i] = int32(c)
	}
	return out, nil
}

// flatOneHot is OneHot's rows concatenated: [len(s)·V] float32.
func (v *Vocab) flatOneHot(s string) ([]float32, error) {
	rows, err := v.OneHot(s)
	if err != nil {
		return nil, err
	}
	flat := make([]float32, 0, len(rows)*v.Size())
	for _, r := range rows {
		flat = append(flat, r...)
	}
	return flat, nil
}
