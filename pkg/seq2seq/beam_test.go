package seq2seq

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// The hand-made distribution is D2LBeamExample (d2l.ai's figures
// 10.8.1–10.8.2): greedy search takes A, B, C, <eos>: 0.5·0.4·0.4·0.6 =
// 0.048; beam search (k = 2) finds A, C, B, <eos>: 0.5·0.3·0.6·0.6 = 0.054.
// With d2l's α = 0.75 it also beats the short candidates a wider beam
// keeps, "<eos>" (0.1) and "A <eos>" (0.5·0.2 = 0.1): log(0.054)/4^0.75 =
// -1.03 against log(0.1)/1 = -2.30 and log(0.1)/2^0.75 = -1.37 (and greedy's
// log(0.048)/4^0.75 = -1.07).
const symEOS, symStart = 3, 4

// countCalls wraps a step to count its calls.
func countCalls(step BeamStep, calls *int) BeamStep {
	return func(parents, last []int) ([][]float64, error) {
		*calls++
		return step(parents, last)
	}
}

func TestBeamSearchBeatsGreedyOnD2LExample(t *testing.T) {
	for _, tc := range []struct {
		beam int
		want string
		prob float64
	}{
		{1, "A B C <eos>", 0.048}, // greedy
		{2, "A C B <eos>", 0.054},
		{3, "A C B <eos>", 0.054},
		{10, "A C B <eos>", 0.054}, // a beam wider than the vocabulary
	} {
		calls := 0
		hyps, err := BeamSearch(countCalls(D2LBeamExample.Step(), &calls), symStart, symEOS, BeamConfig{Beam: tc.beam, MaxLen: 10, Alpha: 0.75})
		if err != nil {
			t.Fatal(err)
		}
		best := hyps[0]
		if got := D2LBeamExample.Spell(best.Tokens); got != tc.want || !best.Ended {
			t.Errorf("beam %d: best %s (ended %v), want %s", tc.beam, got, best.Ended, tc.want)
		}
		if math.Abs(math.Exp(best.LogProb)-tc.prob) > 1e-12 {
			t.Errorf("beam %d: probability %g, want %g", tc.beam, math.Exp(best.LogProb), tc.prob)
		}
		if tc.beam == 1 && (len(hyps) != 1 || calls != 4) {
			t.Errorf("greedy: %d candidates after %d steps, want 1 after 4", len(hyps), calls)
		}
		for i := 1; i < len(hyps); i++ {
			if hyps[i].Score > hyps[i-1].Score {
				t.Errorf("beam %d: candidates not sorted by score: %v", tc.beam, hyps)
			}
		}
	}
}

// TestBeamSearchLengthNormalisation: <eos> at once has probability 0.4 and
// "A <eos>" 0.3; with α = 0 the short one wins, with α = 1 (score per symbol:
// log 0.4 = -0.92 against log(0.3)/2 = -0.60) the longer one.
func TestBeamSearchLengthNormalisation(t *testing.T) {
	table := PrefixTable{Names: []string{"A", "B", "C", "<eos>"},
		Probs: map[string][]float64{"": {0.6, 0, 0, 0.4}, "A": {0.5, 0, 0, 0.5}, "AA": {0.5, 0, 0, 0.5}}}
	for _, tc := range []struct {
		alpha float64
		want  string
	}{{0, "<eos>"}, {1, "A <eos>"}, {0.75, "A <eos>"}} {
		hyps, err := BeamSearch(table.Step(), symStart, symEOS, BeamConfig{Beam: 2, MaxLen: 3, Alpha: tc.alpha})
		if err != nil {
			t.Fatal(err)
		}
		if got := table.Spell(hyps[0].Tokens); got != tc.want {
			t.Errorf("α = %g: best %s, want %s (candidates %v)", tc.alpha, got, tc.want, hyps)
		}
		want := hyps[0].LogProb / math.Pow(float64(len(hyps[0].Tokens)), tc.alpha)
		if math.Abs(hyps[0].Score-want) > 1e-12 {
			t.Errorf("α = %g: score %g, want log P / L^α = %g", tc.alpha, hyps[0].Score, want)
		}
	}
}

// TestBeamSearchStopsAtTheLengthLimit: a model that never predicts <eos>.
func TestBeamSearchStopsAtTheLengthLimit(t *testing.T) {
	step := func(parents, _ []int) ([][]float64, error) {
		rows := make([][]float64, len(parents))
		for j := range rows {
			rows[j] = []float64{math.Log(0.7), math.Log(0.3), math.Inf(-1), math.Inf(-1), math.Inf(-1)}
		}
		return rows, nil
	}
	hyps, err := BeamSearch(step, symStart, symEOS, BeamConfig{Beam: 3, MaxLen: 4, Alpha: 0.75})
	if err != nil {
		t.Fatal(err)
	}
	if len(hyps) != 3 {
		t.Fatalf("%d candidates, want the 3 of the beam", len(hyps))
	}
	for _, h := range hyps {
		if h.Ended || len(h.Tokens) != 4 {
			t.Errorf("candidate %v: ended %v, %d symbols; want open, 4 symbols", h.Tokens, h.Ended, len(h.Tokens))
		}
	}
	if !slices.Equal(hyps[0].Tokens, []int{0, 0, 0, 0}) {
		t.Errorf("best %v, want AAAA", hyps[0].Tokens)
	}
}

func TestBeamSearchErrors(t *testing.T) {
	good := D2LBeamExample.Step()
	nan := func(parents, _ []int) ([][]float64, error) { return [][]float64{{0, math.NaN(), 0, 0}}, nil }
	many := func(parents, _ []int) ([][]float64, error) { return [][]float64{{0, 0}, {0, 0}}, nil }
	ragged := func(parents, _ []int) ([][]float64, error) {
		rows := make([][]float64, len(parents))
		for j := range rows {
			rows[j] = make([]float64, 5-j)
		}
		return rows, nil
	}
	for _, tc := range []struct {
		step BeamStep
		end  int
		cfg  BeamConfig
		want string
	}{
		{good, symEOS, BeamConfig{Beam: -1, MaxLen: 5}, "beam size must be at least 1 (or 0 for 1), got -1"},
		{good, symEOS, BeamConfig{Beam: 2, MaxLen: 0}, "the length limit (BeamConfig.MaxLen) must be at least 1, got 0"},
		{good, symEOS, BeamConfig{Beam: 2, MaxLen: 5, Alpha: -1}, "exponent must be ≥ 0"},
		{good, symEOS, BeamConfig{Beam: 2, MaxLen: 5, Alpha: math.NaN()}, "exponent must be ≥ 0"},
		{nil, symEOS, BeamConfig{Beam: 2, MaxLen: 5}, "without a step function"},
		{good, 7, BeamConfig{Beam: 2, MaxLen: 5}, "end symbol 7 is outside the 4 scores"},
		{nan, 3, BeamConfig{Beam: 2, MaxLen: 5}, "is NaN"},
		{many, 1, BeamConfig{Beam: 2, MaxLen: 5}, "2 rows of log-probabilities for 1 hypotheses"},
		{ragged, 3, BeamConfig{Beam: 2, MaxLen: 5}, "row 1 has 4 scores, row 0 has 5"},
	} {
		if _, err := BeamSearch(tc.step, symStart, tc.end, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.cfg, err, tc.want)
		}
	}
	// The zero beam size is greedy search: one candidate.
	if hyps, err := BeamSearch(D2LBeamExample.Step(), symStart, symEOS, BeamConfig{MaxLen: 3}); err != nil || len(hyps) != 1 {
		t.Errorf("BeamConfig{MaxLen: 3}: %v, %v; want one hypothesis (greedy)", hyps, err)
	}
	// One step only: <eos> or the open prefixes of length 1.
	hyps, err := BeamSearch(D2LBeamExample.Step(), symStart, symEOS, BeamConfig{Beam: 4, MaxLen: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hyps {
		got = append(got, D2LBeamExample.Spell(h.Tokens))
	}
	if !slices.Equal(got, []string{"A", "B", "C", "<eos>"}) {
		t.Errorf("MaxLen 1, beam 4: candidates %v", got)
	}
}
