package seq2seq

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// TestLayoutExamples: d2l's layout — source, end, padding; the decoder
// reads start + the target (bos + Y[:-1]); the labels are the target, end,
// padding.
func TestLayoutExamples(t *testing.T) {
	l, err := NewWordLayout()
	if err != nil {
		t.Fatal(err)
	}
	in, labels, err := l.Examples([]Pair{{"girl", "boy"}, {"black", "white"}})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(v *Vocab, t *tensors.Tensor, row, n int) string {
		flat := tensors.MustCopyFlatData[int32](t)
		var idx []int
		for _, x := range flat[row*n : (row+1)*n] {
			idx = append(idx, int(x))
		}
		s, _ := v.Decode(idx)
		return s
	}
	for _, tc := range []struct {
		got, want string
	}{
		{decode(l.Src, in[0], 0, 6), "girlE?"}, {decode(l.Src, in[0], 1, 6), "blackE"},
		{decode(l.Tgt, in[2], 0, 6), "SboyE?"}, {decode(l.Tgt, in[2], 1, 6), "Swhite"},
		{decode(l.Tgt, labels, 0, 6), "boyE??"}, {decode(l.Tgt, labels, 1, 6), "whiteE"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if lens := tensors.MustCopyFlatData[int32](in[1]); !slices.Equal(lens, []int32{5, 6}) {
		t.Errorf("valid lengths %v, want [5 6] (characters + end)", lens)
	}
	d, err := NewDateLayout()
	if err != nil {
		t.Fatal(err)
	}
	in, labels, err = d.Examples([]Pair{{"Wednesday, the 30th of September, 2021", "2021-09-30"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in[0].Shape().Dimensions, []int{1, 39}) || !slices.Equal(labels.Shape().Dimensions, []int{1, 11}) {
		t.Errorf("date shapes %v, %v; want [1 39], [1 11]", in[0].Shape(), labels.Shape())
	}
	if idx, n, err := d.SourceIndices("3 March 2021"); err != nil || n != 13 || len(idx) != d.SourceSteps() {
		t.Errorf("SourceIndices: %d indices, valid length %d, %v; want %d, 13", len(idx), n, err, d.SourceSteps())
	}
}

func TestLayoutErrors(t *testing.T) {
	l, err := NewDateLayout()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pair Pair
		want string
	}{
		{Pair{"", "2021-03-03"}, "source: seq2seq: empty string"},
		{Pair{"Wednesday, the 30th of September, 2021!", "2021-09-30"}, "has 39 characters, more than the 38 the model takes"},
		{Pair{"3 March 2021 (Wed)", "2021-03-03"}, "character '(' at position 13"},
		{Pair{"3 Mar$h 2021", "2021-03-03"}, "character '$' at position 5"},
		{Pair{"3 March 2021", "2021-3-3x"}, "target: seq2seq: character 'x' at position 8"},
		{Pair{"3 March 2021", "2021-03-033"}, "target: seq2seq: \"2021-03-033\" has 11 characters, more than the 10"},
	} {
		if _, _, err := l.Examples([]Pair{tc.pair}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Examples(%v): error %v, want one containing %q", tc.pair, err, tc.want)
		}
	}
	if _, _, err := l.Examples(nil); err == nil || !strings.Contains(err.Error(), "no pairs") {
		t.Errorf("no pairs: %v", err)
	}
	bad := *l
	bad.Specials = Specials{Start: '^', End: '^', Pad: '_'}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "must differ") {
		t.Errorf("equal symbols: %v", err)
	}
	if _, err := NewLayout("abc", "abc", DateSpecials, 3, 3); err == nil || !strings.Contains(err.Error(), `lacks the symbol '^'`) {
		t.Errorf("vocabulary without symbols: %v", err)
	}
	if _, err := NewLayout(DateSourceChars, DateTargetChars, DateSpecials, 0, 8); err == nil ||
		!strings.Contains(err.Error(), "must be positive, got 0 and 8") {
		t.Errorf("no source length: %v", err)
	}
}
