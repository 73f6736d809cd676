package seq2seq

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Measuring a trained model: exact matches and BLEU by source length, how
// attention lines up with a date's fields, and the loss on a set of pairs.

// LengthScore is how the translations of the sources of one length range
// did: Lo ≤ characters ≤ Hi, N sources, the fraction translated exactly and
// the mean CharBLEU (k = 4) against the targets.
type LengthScore struct {
	Lo, Hi, N   int
	Exact, BLEU float64
}

// ScoreByLength scores translations ts of pairs (in the same order) by
// source length: bucket i holds the sources of bounds[i-1]+1 … bounds[i]
// characters (bounds ascending; the first starts at 1). Sources longer than
// the last bound are left out; empty buckets have N 0 and NaN scores. A
// translation of another source, or lengths that differ, is an error.
func ScoreByLength(pairs []Pair, ts []Translation, bounds []int) ([]LengthScore, error) {
	if len(pairs) != len(ts) {
		return nil, fmt.Errorf("seq2seq: %d pairs but %d translations", len(pairs), len(ts))
	}
	out := make([]LengthScore, len(bounds))
	lo := 1
	for i, hi := range bounds {
		if hi < lo {
			return nil, fmt.Errorf("seq2seq: length bounds %v are not ascending", bounds)
		}
		out[i] = LengthScore{Lo: lo, Hi: hi}
		lo = hi + 1
	}
	for i, p := range pairs {
		if ts[i].Source != p.Source {
			return nil, fmt.Errorf("seq2seq: translation %d is of %q, pair %d of %q", i, ts[i].Source, i, p.Source)
		}
		n := len([]rune(p.Source))
		for b := range out {
			if n >= out[b].Lo && n <= out[b].Hi {
				out[b].N++
				if ts[i].Text == p.Target {
					out[b].Exact++
				}
				out[b].BLEU += CharBLEU(ts[i].Text, p.Target, 4)
				break
			}
		}
	}
	for b := range out {
		out[b].Exact /= float64(out[b].N)
		out[b].BLEU /= float64(out[b].N)
	}
	return out, nil
}

// Alignment says how attention lines up with a date's fields, over the
// output characters of the year, the month and the day (the ISO string's
// positions 0–3, 5–6 and 8–9), taking for each the source position it
// attends to most (its argmax):
//
//   - Monotone is the fraction of consecutive characters of a field whose
//     argmax does not move left: reading a field left to right;
//   - OnField is the fraction of characters whose argmax falls on the
//     field's characters in the source or just after them (the encoder
//     reads left to right, so the state after a field still holds it).
//
// Examples counts the translations measured (those of 10 characters or
// more with attention rows).
type Alignment struct {
	Monotone, OnField float64
	Examples          int
}

// isoFields are the positions of the year, the month and the day in an ISO
// date, in DateExample's field order.
var isoFields = [3][]int{{0, 1, 2, 3}, {5, 6}, {8, 9}}

// DateAlignment measures Alignment over translations ts of examples (in the
// same order). A translation of another source is an error.
func DateAlignment(examples []DateExample, ts []Translation) (Alignment, error) {
	if len(examples) != len(ts) {
		return Alignment{}, fmt.Errorf("seq2seq: %d examples but %d translations", len(examples), len(ts))
	}
	var a Alignment
	var pairs, monotone, chars, onField int
	for i, ex := range examples {
		tr := ts[i]
		if tr.Source != ex.Source {
			return Alignment{}, fmt.Errorf("seq2seq: translation %d is of %q, example %d of %q", i, tr.Source, i, ex.Source)
		}
		if len(tr.Attention) < 10 {
			continue
		}
		a.Examples++
		for f, span := range [3]Span{ex.Year, ex.Month, ex.Day} {
			prev := -1
			for k, pos := range isoFields[f] {
				at := argmax(tr.Attention[pos])
				if k > 0 {
					pairs++
					if at >= prev {
						monotone++
					}
				}
				prev = at
				chars++
				if at >= span.Start && at <= span.End {
					onField++
				}
			}
		}
	}
	a.Monotone, a.OnField = math.NaN(), math.NaN()
	if a.Examples > 0 {
		a.Monotone, a.OnField = float64(monotone)/float64(pairs), float64(onField)/float64(chars)
	}
	return a, nil
}

// FieldAccuracy is, over translations ts of examples (in the same order),
// the fraction whose year, month and day (the ISO string's characters 0–3,
// 5–6 and 8–9) are right, each on its own; a translation too short to hold
// a field gets it wrong.
func FieldAccuracy(examples []DateExample, ts []Translation) (year, month, day float64, err error) {
	if len(examples) != len(ts) || len(ts) == 0 {
		return 0, 0, 0, fmt.Errorf("seq2seq: %d examples and %d translations (want the same, at least 1)", len(examples), len(ts))
	}
	var right [3]int
	for i, ex := range examples {
		got, want := []rune(ts[i].Text), []rune(ex.Target)
		for f, pos := range isoFields {
			ok := true
			for _, p := range pos {
				ok = ok && p < len(got) && got[p] == want[p]
			}
			if ok {
				right[f]++
			}
		}
	}
	n := float64(len(ts))
	return float64(right[0]) / n, float64(right[1]) / n, float64(right[2]) / n, nil
}

// EvalLoss is the model's Loss (with reduction r) on pairs, in one batch,
// with the parameters in ctx.
func EvalLoss(m Model, ctx *context.Context, pairs []Pair, r Reduction) (float64, error) {
	inputs, labels, err := m.Examples(pairs)
	if err != nil {
		return 0, err
	}
	b, err := backend.Get()
	if err != nil {
		return 0, fmt.Errorf("seq2seq: %w", err)
	}
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, in []*graph.Node) *graph.Node {
		return m.Loss(m.Forward(ctx, in[:len(in)-1]), in[len(in)-1], r)
	})
	if err != nil {
		return 0, err
	}
	args := make([]any, 0, len(inputs)+1)
	for _, t := range inputs {
		args = append(args, t)
	}
	res, err := exec.Exec(append(args, labels)...)
	if err != nil {
		return 0, fmt.Errorf("seq2seq: evaluating the loss: %w", err)
	}
	return rnn.Float64s(res[0])[0], nil
}
