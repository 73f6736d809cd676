package seq2seq

import (
	"math"
	"testing"
)

// The expected values are d2l's bleu (d2l.ai chapter 10.7, copied verbatim
// into Python 3 and run on these strings; characters as tokens by joining
// them with spaces). d2l prints "he's calm . => il est riche ., bleu 0.658"
// for the first imperfect example.
func TestBLEUMatchesD2L(t *testing.T) {
	for _, tc := range []struct {
		pred, label string
		k           int
		want        float64
	}{
		{"va !", "va !", 2, 1},
		{"j'ai perdu .", "j'ai perdu .", 2, 1},
		{"il est riche .", "il est calme .", 2, 0.6580370064762462},
		{"il est mouillé .", "il est calme .", 2, 0.6580370064762462},
		{"je suis .", "je suis chez moi .", 2, 0.43173061492439624},
		{"le le le le", "le chat est là", 2, 0},
		{"chez moi je suis .", "je suis chez moi .", 4, 0},
		{"a", "a b c d", 4, 0.049787068367863944},
	} {
		if got := WordBLEU(tc.pred, tc.label, tc.k); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("bleu(%q, %q, %d) = %.15g, want %.15g", tc.pred, tc.label, tc.k, got, tc.want)
		}
	}
	for _, tc := range []struct {
		pred, label string
		want        float64
	}{
		{"2021-03-08", "2021-03-03", 0.897222087564628},
		{"2021-03-03", "2021-03-03", 1},
		{"1921-03-03", "2021-03-03", 0.7934298437701218},
		{"2021-03", "2021-03-03", 0.6514390575310556},
		{"3002-30-1202", "2021-03-03", 0},
	} {
		if got := CharBLEU(tc.pred, tc.label, 4); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("CharBLEU(%q, %q, 4) = %.15g, want %.15g", tc.pred, tc.label, got, tc.want)
		}
	}
	// Where d2l's code divides by zero: an empty prediction scores 0.
	if got := CharBLEU("", "2021-03-03", 4); got != 0 {
		t.Errorf("empty prediction: %g, want 0", got)
	}
	// Tokens that are spaces stay tokens.
	if got := CharBLEU("a b", "a b", 2); got != 1 {
		t.Errorf(`CharBLEU("a b", "a b") = %g, want 1`, got)
	}
}
