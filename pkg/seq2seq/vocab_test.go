package seq2seq

import (
	"slices"
	"strings"
	"testing"
)

func TestVocab(t *testing.T) {
	v, err := NewVocab("ehlo")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := v.Encode("hello")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 0, 2, 2, 3}; !slices.Equal(idx, want) { // the lecture's x_data
		t.Errorf("Encode(hello) = %v, want %v", idx, want)
	}
	if s, _ := v.Decode([]int{3, 1, 2, 3, 2}); s != "ohlol" { // the lecture's y_data
		t.Errorf("Decode = %q", s)
	}
	oh, err := v.OneHot("hel")
	if err != nil {
		t.Fatal(err)
	}
	if len(oh) != 3 || oh[0][1] != 1 || oh[1][0] != 1 || oh[2][2] != 1 || oh[0][0] != 0 {
		t.Errorf("OneHot(hel) = %v", oh)
	}
	if v.Size() != 4 || v.Chars() != "ehlo" {
		t.Errorf("Size %d Chars %q", v.Size(), v.Chars())
	}
}

func TestVocabErrors(t *testing.T) {
	v, _ := NewVocab("ehlo")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"unknown char", func() error { _, err := v.Encode("help"); return err }(),
			`unknown character 'p' at position 3 of "help": the vocabulary has only "ehlo"`},
		{"empty", func() error { _, err := v.Encode(""); return err }(), "cannot encode an empty string"},
		{"one-hot unknown", func() error { _, err := v.OneHot("x"); return err }(), `unknown character 'x' at position 0`},
		{"decode range", func() error { _, err := v.Decode([]int{0, 4}); return err }(),
			`index 4 at position 1 out of range for a vocabulary of 4 characters "ehlo"`},
		{"no chars", func() error { _, err := NewVocab(""); return err }(), "no characters given"},
		{"duplicate", func() error { _, err := NewVocab("abca"); return err }(), `character 'a' appears twice (at 0 and 3)`},
		{"index", func() error { _, err := v.Index('z'); return err }(), `unknown character 'z'`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}
