package seq2seq

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Beam search, as d2l.ai's chapter 10.8 describes it: keep the k most
// probable prefixes at every step, set aside those that end with the end
// symbol, and pick among all the candidates the one with the best
// length-normalised score
//
//	score = (1 / L^α) · Σ_t log P(y_t | y_1 … y_{t-1}, c)
//
// where L is the candidate's length (its end symbol included) and α is
// usually 0.75. Beam size 1 is greedy search.

// BeamConfig configures BeamSearch and Search.Beam. Its zero value is
// usable with Search.Beam: beam size 1 (greedy search, like Hugging Face's
// num_beams default), the layout's target length, no length normalisation.
type BeamConfig struct {
	// Beam is the beam size k (0 means 1, greedy search). A k larger than
	// the vocabulary keeps every candidate there is.
	Beam int
	// MaxLen is the most symbols a candidate may have, its end symbol
	// included: a candidate still open after MaxLen steps stops there
	// (Hypothesis.Ended false). Search.Beam takes 0 to mean the layout's
	// TargetSteps; BeamSearch, which has no layout, needs it set.
	MaxLen int
	// Alpha ≥ 0 is the length-normalisation exponent (d2l: 0.75); 0 ranks
	// candidates by their plain log-probability.
	Alpha float64
}

// BeamStep scores the next symbol of the hypotheses BeamSearch keeps. Call i
// gets one row per hypothesis alive at that step: parents[j] is the row of
// the previous call that hypothesis j extends (at the first call, [0]: the
// empty hypothesis) and last[j] its last symbol (the start symbol at the
// first call). It returns one row of log-probabilities over the vocabulary
// for each hypothesis, all rows of the same length. A model that keeps a
// state per hypothesis (a decoder's hidden state) reorders it by parents.
type BeamStep func(parents, last []int) (logProbs [][]float64, err error)

// Hypothesis is one candidate of a beam search: its symbols (the start
// symbol excluded, the end symbol included if it Ended), the sum of their
// log-probabilities and its length-normalised score.
type Hypothesis struct {
	Tokens  []int
	LogProb float64
	Score   float64
	Ended   bool
}

// BeamSearch searches for the most probable sequence that step scores, from
// the symbol start until the symbol end. It returns every candidate it set
// aside — those that produced end, and those still open after MaxLen steps
// — best score first (ties: higher log-probability, then the order found).
// A symbol of probability 0 (log-probability -Inf) never extends a
// hypothesis. A bad configuration, a step returning the wrong number of
// rows, rows of different lengths, an end symbol outside the rows, a NaN
// log-probability, or a first step in which every symbol has probability 0
// is an error; nothing panics.
func BeamSearch(step BeamStep, start, end int, cfg BeamConfig) ([]Hypothesis, error) {
	switch {
	case step == nil:
		return nil, fmt.Errorf("seq2seq: beam search without a step function")
	case cfg.Beam < 0:
		return nil, fmt.Errorf("seq2seq: beam size must be at least 1 (or 0 for 1), got %d", cfg.Beam)
	case cfg.MaxLen < 1:
		return nil, fmt.Errorf("seq2seq: the length limit (BeamConfig.MaxLen) must be at least 1, got %d", cfg.MaxLen)
	case !(cfg.Alpha >= 0) || math.IsInf(cfg.Alpha, 0):
		return nil, fmt.Errorf("seq2seq: the length-normalisation exponent must be ≥ 0 and finite, got %g", cfg.Alpha)
	}
	cfg.Beam = max(cfg.Beam, 1)
	type live struct {
		tokens  []int
		logProb float64
	}
	beam := []live{{}}
	parents, last := []int{0}, []int{start}
	var done []Hypothesis
	finish := func(h live, ended bool) {
		l := float64(len(h.tokens))
		done = append(done, Hypothesis{Tokens: h.tokens, LogProb: h.logProb, Score: h.logProb / math.Pow(l, cfg.Alpha), Ended: ended})
	}
	for t := 0; t < cfg.MaxLen && len(beam) > 0; t++ {
		rows, err := step(parents, last)
		if err != nil {
			return nil, err
		}
		if len(rows) != len(beam) {
			return nil, fmt.Errorf("seq2seq: beam step %d: %d rows of log-probabilities for %d hypotheses", t+1, len(rows), len(beam))
		}
		vocab := len(rows[0])
		if end < 0 || end >= vocab {
			return nil, fmt.Errorf("seq2seq: beam step %d: the end symbol %d is outside the %d scores of a row", t+1, end, vocab)
		}
		type cand struct {
			parent, token int
			logProb       float64
		}
		cands := make([]cand, 0, len(beam)*vocab)
		for i, row := range rows {
			if len(row) != vocab {
				return nil, fmt.Errorf("seq2seq: beam step %d: row %d has %d scores, row 0 has %d", t+1, i, len(row), vocab)
			}
			for v, lp := range row {
				if math.IsNaN(lp) {
					return nil, fmt.Errorf("seq2seq: beam step %d: log-probability of symbol %d in row %d is NaN", t+1, v, i)
				}
				if !math.IsInf(lp, -1) { // a symbol of probability 0 never extends a hypothesis
					cands = append(cands, cand{i, v, beam[i].logProb + lp})
				}
			}
		}
		if len(cands) == 0 {
			if t == 0 {
				return nil, fmt.Errorf("seq2seq: beam step 1: every symbol has probability 0")
			}
			break // the open hypotheses stop here
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].logProb > cands[b].logProb })
		next := beam[:0:0]
		parents, last = parents[:0:0], last[:0:0]
		for _, c := range cands[:min(cfg.Beam, len(cands))] {
			h := live{tokens: append(append(make([]int, 0, t+1), beam[c.parent].tokens...), c.token), logProb: c.logProb}
			if c.token == end {
				finish(h, true)
				continue
			}
			next = append(next, h)
			parents, last = append(parents, c.parent), append(last, c.token)
		}
		beam = next
	}
	for _, h := range beam { // still open at the length limit
		finish(h, false)
	}
	sort.SliceStable(done, func(a, b int) bool {
		if done[a].Score != done[b].Score {
			return done[a].Score > done[b].Score
		}
		return done[a].LogProb > done[b].LogProb
	})
	return done, nil
}

// PrefixTable is a toy model for BeamSearch, as d2l's figures draw one: the
// probabilities of the next symbol given the prefix written so far. Symbol i
// is named Names[i]; a prefix is its symbols' names joined ("AB"); Probs maps
// a prefix to the probabilities of the next symbol (len(Names) each), and a
// prefix it does not list gets a uniform distribution. The start symbol is
// outside the table: pass len(Names) as BeamSearch's start.
type PrefixTable struct {
	Names []string
	Probs map[string][]float64
}

// D2LBeamExample is the distribution of d2l.ai's figures 10.8.1–10.8.2
// (symbols A, B, C, <eos>): greedy search writes A B C <eos>, probability
// 0.5·0.4·0.4·0.6 = 0.048; beam search finds A C B <eos>, 0.5·0.3·0.6·0.6 =
// 0.054.
var D2LBeamExample = PrefixTable{
	Names: []string{"A", "B", "C", "<eos>"},
	Probs: map[string][]float64{
		"":    {0.5, 0.2, 0.2, 0.1},
		"A":   {0.1, 0.4, 0.3, 0.2},
		"AB":  {0.2, 0.2, 0.4, 0.2},
		"AC":  {0.1, 0.6, 0.2, 0.1},
		"ABC": {0.2, 0.1, 0.1, 0.6},
		"ACB": {0.2, 0.1, 0.1, 0.6},
	},
}

// Step returns a BeamStep over the table for one search (it remembers the
// prefixes of the previous call's rows, to extend them by parents).
func (p PrefixTable) Step() BeamStep {
	var prev []string
	return func(parents, last []int) ([][]float64, error) {
		prefixes := make([]string, len(parents))
		rows := make([][]float64, len(parents))
		for j, parent := range parents {
			if prev != nil {
				if parent < 0 || parent >= len(prev) || last[j] < 0 || last[j] >= len(p.Names) {
					return nil, fmt.Errorf("seq2seq: prefix table: row %d extends row %d by symbol %d (rows %d, symbols %d)",
						j, parent, last[j], len(prev), len(p.Names))
				}
				prefixes[j] = prev[parent] + p.Names[last[j]]
			}
			probs, ok := p.Probs[prefixes[j]]
			if !ok {
				probs = make([]float64, len(p.Names))
				for v := range probs {
					probs[v] = 1 / float64(len(p.Names))
				}
			}
			rows[j] = make([]float64, len(probs))
			for v, pr := range probs {
				rows[j][v] = math.Log(pr)
			}
		}
		prev = prefixes
		return rows, nil
	}
}

// Spell writes symbols with their names, space-separated.
func (p PrefixTable) Spell(symbols []int) string {
	names := make([]string, len(symbols))
	for i, s := range symbols {
		names[i] = fmt.Sprint(s)
		if s >= 0 && s < len(p.Names) {
			names[i] = p.Names[s]
		}
	}
	return strings.Join(names, " ")
}
