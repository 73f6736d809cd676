package seq2seq

import (
	"math"
	"strings"
)

// BLEU is d2l.ai's bleu(pred_seq, label_seq, k) (chapter 10.7), on token
// lists:
//
//	exp(min(0, 1 - len_label/len_pred)) · Π_{n=1}^{k} p_n^{1/2^n}
//
// where p_n is the fraction of the prediction's n-grams that match the
// label's (each label n-gram matched at most as often as it occurs), and
// the product stops at n = len_pred when the prediction is shorter than k
// (as d2l's loop does). It is 1 for a perfect prediction and 0 when no
// unigram matches. An empty prediction scores 0 (d2l's code divides by
// zero); k ≤ 0 leaves only the brevity penalty, as in d2l. (d2l joins an
// n-gram's tokens with spaces; here with a NUL, so that tokens which are
// themselves spaces stay distinct.)
func BLEU(pred, label []string, k int) float64 {
	lenPred, lenLabel := len(pred), len(label)
	if lenPred == 0 {
		return 0
	}
	score := math.Exp(math.Min(0, 1-float64(lenLabel)/float64(lenPred)))
	for n := 1; n <= min(k, lenPred); n++ {
		matches := 0
		labelSubs := map[string]int{}
		for i := 0; i+n <= lenLabel; i++ {
			labelSubs[strings.Join(label[i:i+n], "\x00")]++
		}
		for i := 0; i+n <= lenPred; i++ {
			if g := strings.Join(pred[i:i+n], "\x00"); labelSubs[g] > 0 {
				matches++
				labelSubs[g]--
			}
		}
		score *= math.Pow(float64(matches)/float64(lenPred-n+1), math.Pow(0.5, float64(n)))
	}
	return score
}

// CharBLEU is BLEU with characters as tokens: how the date task's ISO
// strings are scored ("2021-03-03" against "2021-03-08").
func CharBLEU(pred, label string, k int) float64 {
	return BLEU(strings.Split(pred, ""), strings.Split(label, ""), k)
}

// WordBLEU is BLEU with the space-separated words as tokens, as d2l splits
// its sentences ("il est riche ." against "il est calme .").
func WordBLEU(pred, label string, k int) float64 {
	return BLEU(strings.Fields(pred), strings.Fields(label), k)
}
