package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Decoding with a trained GRUModel: greedy (many sources at once) and beam
// search (one source), both feeding the decoder its own predictions.

// greedyBatch is the most sources Greedy runs through the model at once; a
// shorter last batch is padded to it, so one compiled graph serves them all.
const greedyBatch = 256

// Decoder decodes with a GRUModel whose parameters are in Ctx (a Result's
// Ctx, or LoadCheckpoint's). It compiles two graphs on first use and keeps
// them: the encoder, and one decoder step (the previous symbol and state in,
// the log-probabilities of the next symbol, the new state and the attention
// weights out).
type Decoder struct {
	Model *GRUModel
	Ctx   *context.Context

	encode, step *context.Exec
}

// Decoder returns a decoder using the parameters in ctx.
func (m *GRUModel) Decoder(ctx *context.Context) *Decoder { return &Decoder{Model: m, Ctx: ctx} }

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
	// Attention has, with attention and greedy decoding, one row per symbol
	// produced (Text's characters, then the end symbol if Ended): the weights
	// over the source's characters and its end symbol (len([]rune(Source))+1
	// numbers). Nil without attention and for beam search.
	Attention [][]float64
}

// prepare compiles the decoder's graphs on first use.
func (d *Decoder) prepare() error {
	if d.step != nil {
		return nil
	}
	m := d.Model
	if err := m.Check(); err != nil {
		return err
	}
	b, err := backend.Get()
	if err != nil {
		return fmt.Errorf("seq2seq: %w", err)
	}
	ctx := d.Ctx.Reuse()
	encode, err := context.NewExec(b, ctx, func(ctx *context.Context, src, srcLen *graph.Node) (*graph.Node, *graph.Node) {
		return m.Encode(ctx, src, srcLen)
	})
	if err != nil {
		return err
	}
	step, err := context.NewExec(b, ctx, func(ctx *context.Context, inputs []*graph.Node) []*graph.Node {
		tok, h, values, srcLen, final := inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]
		l := rnn.Must(m.layers(ctx))
		hNext, weights := m.step(l, l.decEmb.Forward(tok), h, m.memory(l, values, final, srcLen))
		if weights == nil {
			weights = graph.Zeros(h.Graph(), shapes.Make(h.DType(), values.Shape().Dim(0), values.Shape().Dim(1)))
		}
		return []*graph.Node{graph.LogSoftmax(l.dense.Forward(hNext), -1), hNext, weights}
	})
	if err != nil {
		return err
	}
	d.encode, d.step = encode, step
	return nil
}

// encoded is the encoder's results for a batch of sources.
type encoded struct {
	lens          []int // characters + 1 (End)
	srcLen        *tensors.Tensor
	values, state *tensors.Tensor
}

// run encodes sources (each checked as Examples checks it).
func (d *Decoder) run(sources []string) (encoded, error) {
	m := d.Model
	var flat []int32
	e := encoded{lens: make([]int, len(sources))}
	lens32 := make([]int32, len(sources))
	for i, s := range sources {
		idx, n, err := m.SourceIndices(s)
		if err != nil {
			return e, fmt.Errorf("seq2seq: source %d: %w", i, err)
		}
		flat, e.lens[i], lens32[i] = append(flat, idx...), n, int32(n)
	}
	e.srcLen = tensors.FromFlatDataAndDimensions(lens32, len(sources))
	out, err := d.encode.Exec(tensors.FromFlatDataAndDimensions(flat, len(sources), m.SourceSteps()), e.srcLen)
	if err != nil {
		return e, fmt.Errorf("seq2seq: encoding: %w", err)
	}
	e.values, e.state = out[0], out[1]
	return e, nil
}

// stepOnce runs one decoder step on every row: the previous symbols tok and
// states h [N, H]. It returns the log-probabilities [N][V], the new states
// and the attention weights [N][Ts].
func (d *Decoder) stepOnce(tok []int32, h *tensors.Tensor, e encoded) ([][]float64, *tensors.Tensor, [][]float64, error) {
	out, err := d.step.Exec(tensors.FromFlatDataAndDimensions(tok, len(tok)), h, e.values, e.srcLen, e.state)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seq2seq: decoding: %w", err)
	}
	return rows(out[0]), out[1], rows(out[2]), nil
}

// rows splits a [N, K] tensor into N rows of float64s.
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
func (d *Decoder) Greedy(sources []string, maxLen int) ([]Translation, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("seq2seq: no sources to decode")
	}
	if err := d.prepare(); err != nil {
		return nil, err
	}
	if maxLen <= 0 {
		maxLen = d.Model.TargetSteps()
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
		ts, err := d.greedyBatch(padded, maxLen)
		if err != nil {
			return nil, fmt.Errorf("%w (in the batch starting at source %d)", err, lo)
		}
		out = append(out, ts[:len(batch)]...)
	}
	return out, nil
}

func (d *Decoder) greedyBatch(sources []string, maxLen int) ([]Translation, error) {
	m := d.Model
	e, err := d.run(sources)
	if err != nil {
		return nil, err
	}
	start, _ := m.Tgt.Index(m.Start)
	end, _ := m.Tgt.Index(m.End)
	n := len(sources)
	tok := make([]int32, n)
	for i := range tok {
		tok[i] = int32(start)
	}
	ts := make([]Translation, n)
	symbols := make([][]int, n)
	for i, s := range sources {
		ts[i].Source = s
	}
	h := e.state
	for step := 0; step < maxLen; step++ {
		logp, hNext, weights, err := d.stepOnce(tok, h, e)
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
			if m.Attention {
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
		text, err := m.Tgt.Decode(symbols[i])
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
// MaxLen means TargetSteps) and returns every candidate, best score first.
// The decoder runs on Beam rows at every step (rows of finished hypotheses
// are filled with copies), so one compiled graph serves the whole search.
func (d *Decoder) Beam(source string, cfg BeamConfig) ([]Translation, error) {
	m := d.Model
	if cfg.MaxLen == 0 {
		cfg.MaxLen = m.TargetSteps()
	}
	if cfg.Beam < 1 {
		return nil, fmt.Errorf("seq2seq: beam size must be at least 1, got %d", cfg.Beam)
	}
	if err := d.prepare(); err != nil {
		return nil, err
	}
	one, err := d.run([]string{source})
	if err != nil {
		return nil, err
	}
	// The encoder's results, repeated on Beam rows.
	k := cfg.Beam
	e := encoded{lens: []int{one.lens[0]}, srcLen: repeatRows(one.srcLen, k), values: repeatRows(one.values, k), state: repeatRows(one.state, k)}
	hidden := m.Hidden
	prev := rnn.Float64s(one.state) // the states of the previous call's rows, [rows·H]
	step := func(parents, last []int) ([][]float64, error) {
		h := make([]float32, k*hidden)
		tok := make([]int32, k)
		for j := range k {
			src := j
			if j >= len(parents) {
				src = 0 // filler row
			}
			p := parents[src]
			for c := range hidden {
				h[j*hidden+c] = float32(prev[p*hidden+c])
			}
			tok[j] = int32(last[src])
		}
		logp, hNext, _, err := d.stepOnce(tok, tensors.FromFlatDataAndDimensions(h, k, hidden), e)
		if err != nil {
			return nil, err
		}
		prev = rnn.Float64s(hNext)
		return logp[:len(parents)], nil
	}
	start, _ := m.Tgt.Index(m.Start)
	end, _ := m.Tgt.Index(m.End)
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
		text, err := m.Tgt.Decode(symbols)
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
