package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Decoding with a trained encoder–decoder: greedy (many sources at once) and
// beam search (one source), both feeding the decoder its own predictions.

// StepModel is an encoder–decoder that Search runs one symbol at a time:
// d2l's encoder and init_state, then its decoder, one step per call. The
// methods build graphs; they find the model's parameters in ctx and panic
// on errors (GoMLX's convention).
type StepModel interface {
	// Encode runs the encoder on src [B, Ts] (int32 indices, as a Layout
	// lays them out) with valid lengths srcLen [B] (int32). It returns the
	// decoder's initial state [B, …] (float32) and what every decoder step
	// reads from the source, each [B, …] (the encoder's states, the valid
	// lengths, …).
	Encode(ctx *context.Context, src, srcLen *graph.Node) (state *graph.Node, memory []*graph.Node)
	// Step is one decoder step: the previous symbols prev [B] (int32), the
	// state [B, …] and Encode's memory give the logits of the next symbol
	// [B, Vt], the next state (shaped as state) and the attention weights
	// over the source steps [B, Ts] (nil for a model without attention).
	Step(ctx *context.Context, prev, state *graph.Node, memory []*graph.Node) (logits, next, weights *graph.Node)
}

// greedyBatch is the most sources Greedy runs through the model at once; a
// shorter last batch is padded to it, so one compiled graph serves them all.
const greedyBatch = 256

// Search decodes with a StepModel whose parameters are in Ctx (a Result's
// Ctx, or LoadCheckpoint's), the sources laid out and the targets read back
// by Layout. It compiles two graphs on first use and keeps them: the
// encoder, and one decoder step (the previous symbol, state and memory in;
// the log-probabilities of the next symbol, the new state and the attention
// weights out).
type Search struct {
	Layout *Layout
	Model  StepModel
	Ctx    *context.Context

	encode, step *context.Exec
}

// NewSearch returns greedy and beam search over model, with the parameters
// in ctx and the sources and targets of layout.
func NewSearch(layout *Layout, model StepModel, ctx *context.Context) *Search {
	return &Search{Layout: layout, Model: model, Ctx: ctx}
}

// Translation is one decoded sequence.
type Translation struct {
	Source string
	// Text is the decoded target, without the end symbol; Ended says whether
	// the end symbol was produced (else decoding stopped at the length limit).
	// Every symbol predicted is kept: an untrained model may write the start
	// or the padding symbol.
	Text  string
	Ended bool
	// LogProb is the sum of the log-probabilities of the symbols produced
	// (the end symbol included); Score is LogProb / L^α for beam search
	// (L symbols), LogProb for greedy decoding.
	LogProb, Score float64
	// Attention has, for a model with attention and greedy decoding, one row
	// per symbol produced (Text's characters, then the end symbol if Ended):
	// the weights over the source's characters and its end symbol
	// (len([]rune(Source))+1 numbers). Nil without attention and for beam
	// search.
	Attention [][]float64
}

// prepare compiles the graphs on first use.
func (s *Search) prepare() error {
	if s.step != nil {
		return nil
	}
	if s.Layout == nil || s.Model == nil || s.Ctx == nil {
		return fmt.Errorf("seq2seq: a search needs a layout, a model and a context")
	}
	if err := s.Layout.Check(); err != nil {
		return err
	}
	b, err := backend.Get()
	if err != nil {
		return fmt.Errorf("seq2seq: %w", err)
	}
	ctx := s.Ctx.Reuse()
	encode, err := context.NewExec(b, ctx, func(ctx *context.Context, src, srcLen *graph.Node) []*graph.Node {
		state, memory := s.Model.Encode(ctx, src, srcLen)
		return append([]*graph.Node{state}, memory...)
	})
	if err != nil {
		return err
	}
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, inputs []*graph.Node) []*graph.Node {
		logits, next, weights := s.Model.Step(ctx, inputs[0], inputs[1], inputs[2:])
		out := []*graph.Node{graph.LogSoftmax(logits, -1), next}
		if weights != nil {
			out = append(out, weights)
		}
		return out
	})
	if err != nil {
		return err
	}
	s.encode, s.step = encode, step
	return nil
}

// encoded is the encoder's results for a batch of sources.
type encoded struct {
	lens   []int // characters + 1 (End)
	state  *tensors.Tensor
	memory []*tensors.Tensor
}

// run encodes sources (each checked as Layout.Examples checks it).
func (s *Search) run(sources []string) (encoded, error) {
	l := s.Layout
	var flat []int32
	e := encoded{lens: make([]int, len(sources))}
	lens32 := make([]int32, len(sources))
	for i, src := range sources {
		idx, n, err := l.SourceIndices(src)
		if err != nil {
			return e, fmt.Errorf("seq2seq: source %d: %w", i, err)
		}
		flat, e.lens[i], lens32[i] = append(flat, idx...), n, int32(n)
	}
	out, err := s.encode.Exec(tensors.FromFlatDataAndDimensions(flat, len(sources), l.SourceSteps()),
		tensors.FromFlatDataAndDimensions(lens32, len(sources)))
	if err != nil {
		return e, fmt.Errorf("seq2seq: encoding: %w", err)
	}
	e.state, e.memory = out[0], out[1:]
	return e, nil
}

// stepOnce runs one decoder step on every row: the previous symbols tok and
// states h. It returns the log-probabilities [N][V], the new states and the
// attention weights [N][Ts] (nil without attention).
func (s *Search) stepOnce(tok []int32, h *tensors.Tensor, e encoded) ([][]float64, *tensors.Tensor, [][]float64, error) {
	args := []any{tensors.FromFlatDataAndDimensions(tok, len(tok)), h}
	for _, m := range e.memory {
		args = append(args, m)
	}
	out, err := s.step.Exec(args...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seq2seq: decoding: %w", err)
	}
	var weights [][]float64
	if len(out) > 2 {
		weights = rows(out[2])
	}
	return rows(out[0]), out[1], weights, nil
}

// rows splits a [N, …] tensor into N rows of float64s.
func rows(t *tensors.Tensor) [][]float64 {
	flat := rnn.Float64s(t)
	n := t.Shape().Dim(0)
	k := len(flat) / n
	out := make([][]float64, n)
	for i := range out {
		out[i] = flat[i*k : (i+1)*k]
	}
	return out
}

// Greedy decodes every source greedily: the decoder starts from the
// encoder's state with the start symbol, and at every step the most probable
// symbol is taken and fed back, until the end symbol or maxLen symbols
// (maxLen ≤ 0 means TargetSteps). Sources go through the model in batches
// of 256. A bad source (empty, too long, a character outside the
// vocabulary) is an error that names it; an untrained model decodes without
// error (Ended false where no end symbol came).
func (s *Search) Greedy(sources []string, maxLen int) ([]Translation, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("seq2seq: no sources to decode")
	}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	if maxLen <= 0 {
		maxLen = s.Layout.TargetSteps()
	}
	out := make([]Translation, 0, len(sources))
	for lo := 0; lo < len(sources); lo += greedyBatch {
		batch := sources[lo:min(lo+greedyBatch, len(sources))]
		padded := batch
		if len(sources) > greedyBatch { // the same shape for every batch: one compiled graph
			for len(padded) < greedyBatch {
				padded = append(padded[:len(padded):len(padded)], batch[0])
			}
		}
		ts, err := s.greedyBatch(padded, maxLen)
		if err != nil {
			return nil, fmt.Errorf("%w (in the batch starting at source %d)", err, lo)
		}
		out = append(out, ts[:len(batch)]...)
	}
	return out, nil
}

func (s *Search) greedyBatch(sources []string, maxLen int) ([]Translation, error) {
	l := s.Layout
	e, err := s.run(sources)
	if err != nil {
		return nil, err
	}
	start, _ := l.Tgt.Index(l.Start)
	end, _ := l.Tgt.Index(l.End)
	n := len(sources)
	tok := make([]int32, n)
	for i := range tok {
		tok[i] = int32(start)
	}
	ts := make([]Translation, n)
	symbols := make([][]int, n)
	for i, src := range sources {
		ts[i].Source = src
	}
	h := e.state
	for step := 0; step < maxLen; step++ {
		logp, hNext, weights, err := s.stepOnce(tok, h, e)
		if err != nil {
			return nil, err
		}
		open := 0
		for i := range ts {
			if ts[i].Ended {
				continue
			}
			best := argmax(logp[i])
			tok[i] = int32(best)
			ts[i].LogProb += logp[i][best]
			if weights != nil {
				ts[i].Attention = append(ts[i].Attention, weights[i][:e.lens[i]])
			}
			if best == end {
				ts[i].Ended = true
				continue
			}
			symbols[i] = append(symbols[i], best)
			open++
		}
		if open == 0 {
			break
		}
		h = hNext
	}
	for i := range ts {
		text, err := l.Tgt.Decode(symbols[i])
		if err != nil {
			return nil, err
		}
		ts[i].Text, ts[i].Score = text, ts[i].LogProb
	}
	return ts, nil
}

// argmax is the index of the largest value (the first, on ties).
func argmax(row []float64) int {
	best := 0
	for i, v := range row {
		if v > row[best] {
			best = i
		}
	}
	return best
}

// Beam decodes one source with beam search (BeamSearch, BeamConfig; a zero
// Beam means 1, a zero MaxLen TargetSteps) and returns every candidate, best
// score first.
// The decoder runs on Beam rows at every step (rows of finished hypotheses
// are filled with copies), so one compiled graph serves the whole search.
func (s *Search) Beam(source string, cfg BeamConfig) ([]Translation, error) {
	if cfg.Beam < 0 {
		return nil, fmt.Errorf("seq2seq: beam size must be at least 1 (or 0 for 1), got %d", cfg.Beam)
	}
	cfg.Beam = max(cfg.Beam, 1)
	if err := s.prepare(); err != nil {
		return nil, err
	}
	l := s.Layout
	if cfg.MaxLen == 0 {
		cfg.MaxLen = l.TargetSteps()
	}
	one, err := s.run([]string{source})
	if err != nil {
		return nil, err
	}
	// The encoder's results, repeated on Beam rows.
	k := cfg.Beam
	e := encoded{lens: one.lens, state: repeatRows(one.state, k)}
	for _, m := range one.memory {
		e.memory = append(e.memory, repeatRows(m, k))
	}
	dims := e.state.Shape().Dimensions
	size := e.state.Shape().Size() / k                   // the numbers of one row's state
	prev := tensors.MustCopyFlatData[float32](one.state) // the states of the previous call's rows
	step := func(parents, last []int) ([][]float64, error) {
		h := make([]float32, k*size)
		tok := make([]int32, k)
		for j := range k {
			src := j
			if j >= len(parents) {
				src = 0 // filler row
			}
			copy(h[j*size:(j+1)*size], prev[parents[src]*size:(parents[src]+1)*size])
			tok[j] = int32(last[src])
		}
		logp, hNext, _, err := s.stepOnce(tok, tensors.FromFlatDataAndDimensions(h, dims...), e)
		if err != nil {
			return nil, err
		}
		prev = tensors.MustCopyFlatData[float32](hNext)
		return logp[:len(parents)], nil
	}
	start, _ := l.Tgt.Index(l.Start)
	end, _ := l.Tgt.Index(l.End)
	hyps, err := BeamSearch(step, start, end, cfg)
	if err != nil {
		return nil, err
	}
	out := make([]Translation, len(hyps))
	for i, hyp := range hyps {
		symbols := hyp.Tokens
		if hyp.Ended {
			symbols = symbols[:len(symbols)-1]
		}
		text, err := l.Tgt.Decode(symbols)
		if err != nil {
			return nil, err
		}
		out[i] = Translation{Source: source, Text: text, Ended: hyp.Ended, LogProb: hyp.LogProb, Score: hyp.Score}
	}
	return out, nil
}

// repeatRows repeats the single row of t [1, …] k times: [k, …].
func repeatRows(t *tensors.Tensor, k int) *tensors.Tensor {
	dims := append([]int{k}, t.Shape().Dimensions[1:]...)
	if t.DType().IsInt() { // the valid lengths, int32
		return tensors.FromFlatDataAndDimensions(repeated(tensors.MustCopyFlatData[int32](t), k), dims...)
	}
	return tensors.FromFlatDataAndDimensions(repeated(tensors.MustCopyFlatData[float32](t), k), dims...)
}

// repeated is row, k times over.
func repeated[T any](row []T, k int) []T {
	out := make([]T, 0, k*len(row))
	for range k {
		out = append(out, row...)
	}
	return out
}
