package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Specials are the start, end and padding symbols of a GRUModel's
// vocabularies.
type Specials struct{ Start, End, Pad rune }

// MathorSpecials are mathor's symbols: 'S' start, 'E' end, '?' padding.
var MathorSpecials = Specials{Start: Start, End: End, Pad: Pad}

// GRUModel is the encoder–decoder of d2l.ai's chapters 10–11, on GRUs:
//
//	encoder: Embedding(Vs, E) → GRU(E, H), every step's state kept (the values
//	         attention reads) and the state after the last real step (the
//	         context vector and the decoder's initial state)
//	decoder: Embedding(Vt, E) → GRU(E + H, H) → Linear(H, Vt), the GRU's input
//	         at every step the embedding of the previous symbol and a context
//
// Without Attention the context is the encoder's final state at every step
// (d2l's Seq2SeqDecoder): everything the decoder learns about the source
// passes through those H numbers. With Attention (d2l's
// Seq2SeqAttentionDecoder) the context of step t is AdditiveAttention with
// the decoder's state before the step as query, over the encoder's states of
// the real source steps (masked to each sample's valid length).
//
// Sequences are laid out as d2l lays them out: the source is the characters,
// End, then Pad up to SourceSteps; the decoder reads Start and the target
// and predicts the target and End, padded to TargetSteps. The loss is the
// masked cross-entropy (padding contributes nothing), or with Unmasked the
// plain cross-entropy over every step, padding included, as mathor's model
// trains.
//
// Two choices differ from d2l's code: the encoder's state handed to the
// decoder is the one after each sample's last real step (as PyTorch's
// pack_padded_sequence gives), not after the padding; and the decoder's
// input is [embedding; context] in both decoders (d2l's attention decoder
// writes [context; embedding], a mere permutation of W_ih's columns).
//
// It is a Model (Train trains it); a Decoder decodes with it, greedily or
// with beam search. Parameters are under PyTorch's names, as d2l's modules
// name them:
// encoder.embedding.weight, encoder.rnn.weight_ih_l0 …,
// decoder.embedding.weight, decoder.attention.W_q.weight, …W_k.weight,
// …w_v.weight (with Attention), decoder.rnn.weight_ih_l0 …,
// decoder.dense.weight, decoder.dense.bias.
type GRUModel struct {
	// Src and Tgt are the source and target vocabularies; each must hold
	// the three Specials.
	Src, Tgt *Vocab
	Specials
	// MaxSource and MaxTarget are the longest source and target, in
	// characters (sequences are one step longer, for End).
	MaxSource, MaxTarget int
	// Embed is the embedding size E, Hidden the GRUs' (and the attention's)
	// hidden size H.
	Embed, Hidden int
	// Attention switches on Bahdanau attention.
	Attention bool
	// Unmasked trains on padding too (the zero value masks it).
	Unmasked bool
}

// NewDateModel returns the model of the date task: the DateSourceChars and
// DateTargetChars vocabularies, DateSpecials, sources of up to
// DateMaxSource characters, targets of DateMaxTarget, embedding size embed
// and hidden size hidden, with or without attention.
func NewDateModel(attention bool, embed, hidden int) (*GRUModel, error) {
	return newGRUModel(GRUModel{Specials: DateSpecials, MaxSource: DateMaxSource, MaxTarget: DateMaxTarget,
		Embed: embed, Hidden: hidden, Attention: attention}, DateSourceChars, DateTargetChars)
}

// NewWordModel returns a model for mathor's word pairs: the MathorChars
// vocabulary on both sides, MathorSpecials, words of up to MathorNStep
// letters, embedding size embed and hidden size hidden, without attention,
// masked unless unmasked.
func NewWordModel(embed, hidden int, unmasked bool) (*GRUModel, error) {
	return newGRUModel(GRUModel{Specials: MathorSpecials, MaxSource: MathorNStep, MaxTarget: MathorNStep,
		Embed: embed, Hidden: hidden, Unmasked: unmasked}, MathorChars, MathorChars)
}

// newGRUModel completes m with vocabularies of the given characters and checks it.
func newGRUModel(m GRUModel, srcChars, tgtChars string) (*GRUModel, error) {
	var err error
	if m.Src, err = NewVocab(srcChars); err != nil {
		return nil, err
	}
	if m.Tgt, err = NewVocab(tgtChars); err != nil {
		return nil, err
	}
	return &m, m.Check()
}

// Check validates the configuration: both vocabularies with the three
// distinct symbols, positive sizes.
func (m *GRUModel) Check() error {
	sp := m.Specials
	switch {
	case m.Src == nil || m.Tgt == nil:
		return fmt.Errorf("seq2seq: the GRU model needs a source and a target vocabulary")
	case sp.Start == sp.End || sp.Start == sp.Pad || sp.End == sp.Pad:
		return fmt.Errorf("seq2seq: the start, end and padding symbols must differ, got %q, %q, %q", sp.Start, sp.End, sp.Pad)
	case m.MaxSource <= 0 || m.MaxTarget <= 0:
		return fmt.Errorf("seq2seq: the longest source and target must be positive, got %d and %d", m.MaxSource, m.MaxTarget)
	case m.Embed <= 0 || m.Hidden <= 0:
		return fmt.Errorf("seq2seq: embedding and hidden sizes must be positive, got %d and %d", m.Embed, m.Hidden)
	}
	for _, v := range []*Vocab{m.Src, m.Tgt} {
		for _, r := range []rune{sp.Start, sp.End, sp.Pad} {
			if _, err := v.Index(r); err != nil {
				return fmt.Errorf("seq2seq: the vocabulary %q lacks the symbol %q", v.Chars(), r)
			}
		}
	}
	return nil
}

// SourceSteps is the length of every encoder input, MaxSource+1.
func (m *GRUModel) SourceSteps() int { return m.MaxSource + 1 }

// TargetSteps is the length of every decoder input and target, MaxTarget+1.
func (m *GRUModel) TargetSteps() int { return m.MaxTarget + 1 }

// String describes the model as its PyTorch modules would be built.
func (m *GRUModel) String() string {
	e, h, vs, vt := m.Embed, m.Hidden, m.Src.Size(), m.Tgt.Size()
	att, kind := "", "plain GRU encoder–decoder"
	if m.Attention {
		att, kind = fmt.Sprintf(" → AdditiveAttention(%d)", h), "GRU encoder–decoder with Bahdanau attention"
	}
	loss := "masked loss"
	if m.Unmasked {
		loss = "unmasked loss (padding included)"
	}
	return fmt.Sprintf("%s: encoder Embedding(%d, %d) → GRU(%d, %d); decoder Embedding(%d, %d)%s → GRU(%d, %d) → Linear(%d, %d); "+
		"sources ≤ %d, targets ≤ %d characters; %s", kind, vs, e, e, h, vt, e, att, e+h, h, h, vt, m.MaxSource, m.MaxTarget, loss)
}

// indices checks a source or target string (not empty, at most max
// characters, only characters of v and none of the symbols) and returns its
// indices followed by End, padded with Pad to max+1.
func (m *GRUModel) indices(v *Vocab, s string, max int) ([]int32, error) {
	n := len([]rune(s))
	switch {
	case s == "":
		return nil, fmt.Errorf("seq2seq: empty string")
	case n > max:
		return nil, fmt.Errorf("seq2seq: %q has %d characters, more than the %d the model takes", s, n, max)
	}
	pos := 0
	for _, r := range s {
		if _, err := v.Index(r); err != nil || r == m.Start || r == m.End || r == m.Pad {
			return nil, fmt.Errorf("seq2seq: character %q at position %d of %q is not in the vocabulary %q",
				r, pos, s, strings.TrimLeft(v.Chars(), string([]rune{m.Start, m.End, m.Pad})))
		}
		pos++
	}
	idx, err := v.encode32(s + string(m.End) + strings.Repeat(string(m.Pad), max-n))
	return idx, err
}

// SourceIndices is the encoder input of one source: its indices, End, then
// Pad to SourceSteps, and its valid length (characters + 1). An empty
// source, one longer than MaxSource or a character outside the vocabulary
// (or a special symbol) is an error that names it.
func (m *GRUModel) SourceIndices(source string) ([]int32, int, error) {
	idx, err := m.indices(m.Src, source, m.MaxSource)
	return idx, len([]rune(source)) + 1, err
}

// Examples implements Model: inputs src [B, SourceSteps] (indices), srcLen
// [B] (valid lengths, End included) and decIn [B, TargetSteps] (Start, then
// the target and End, padded: d2l's bos + Y[:-1]), all int32; labels
// [B, TargetSteps] int32, the target, End, then Pad. An error says which
// word is wrong and why.
func (m *GRUModel) Examples(pairs []Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	if err := m.Check(); err != nil {
		return nil, nil, err
	}
	if len(pairs) == 0 {
		return nil, nil, fmt.Errorf("seq2seq: no pairs")
	}
	start, _ := m.Tgt.Index(m.Start)
	var src, lens, decIn, labels []int32
	for _, p := range pairs {
		s, n, err := m.SourceIndices(p.Source)
		if err != nil {
			return nil, nil, fmt.Errorf("source: %w", err)
		}
		t, err := m.indices(m.Tgt, p.Target, m.MaxTarget)
		if err != nil {
			return nil, nil, fmt.Errorf("target: %w", err)
		}
		src, lens = append(src, s...), append(lens, int32(n))
		decIn = append(append(decIn, int32(start)), t[:len(t)-1]...)
		labels = append(labels, t...)
	}
	b := len(pairs)
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(src, b, m.SourceSteps()),
		tensors.FromFlatDataAndDimensions(lens, b),
		tensors.FromFlatDataAndDimensions(decIn, b, m.TargetSteps()),
	}, tensors.FromFlatDataAndDimensions(labels, b, m.TargetSteps()), nil
}

// gruModelLayers are a GRUModel's layers (att is nil without attention).
type gruModelLayers struct {
	encEmb, decEmb *rnn.Embedding
	enc, dec       *rnn.GRU
	att            *AdditiveAttention
	dense          *rnn.Linear
}

func (m *GRUModel) layers(ctx *context.Context) (l gruModelLayers, err error) {
	if err := m.Check(); err != nil {
		return l, err
	}
	e, h := m.Embed, m.Hidden
	enc, dec := ctx.In("encoder"), ctx.In("decoder")
	if l.encEmb, err = rnn.NewEmbedding(enc.In("embedding"), m.Src.Size(), e).Done(); err != nil {
		return l, err
	}
	if l.enc, err = rnn.NewGRU(enc.In("rnn"), e, h).Done(); err != nil {
		return l, err
	}
	if l.decEmb, err = rnn.NewEmbedding(dec.In("embedding"), m.Tgt.Size(), e).Done(); err != nil {
		return l, err
	}
	if m.Attention {
		if l.att, err = NewAdditiveAttention(dec.In("attention"), h, h, h); err != nil {
			return l, err
		}
	}
	if l.dec, err = rnn.NewGRU(dec.In("rnn"), e+h, h).Done(); err != nil {
		return l, err
	}
	l.dense, err = rnn.NewLinear(dec.In("dense"), h, m.Tgt.Size()).Done()
	return l, err
}

// namedParameters lists the parameters in named_parameters() order, with
// their state_dict names.
func (l gruModelLayers) namedParameters() ([]string, []rnn.Parameter) {
	var names []string
	var params []rnn.Parameter
	add := func(prefix string, ps []rnn.Parameter) {
		for _, p := range ps {
			names, params = append(names, prefix+p.Name), append(params, p)
		}
	}
	add("encoder.embedding.", l.encEmb.NamedParameters())
	add("encoder.rnn.", l.enc.NamedParameters())
	add("decoder.embedding.", l.decEmb.NamedParameters())
	if l.att != nil {
		add("decoder.attention.W_k.", l.att.wk.NamedParameters())
		add("decoder.attention.W_q.", l.att.wq.NamedParameters())
		add("decoder.attention.w_v.", l.att.wv.NamedParameters())
	}
	add("decoder.rnn.", l.dec.NamedParameters())
	add("decoder.dense.", l.dense.NamedParameters())
	return names, params
}

// Build implements Model: it creates the parameters in ctx (or finds them).
func (m *GRUModel) Build(ctx *context.Context) error {
	_, err := m.layers(ctx)
	return err
}

// Encode runs the encoder over src [B, Ts] (indices) with valid lengths
// srcLen [B]: it returns every step's state, batch first [B, Ts, H] (the
// padding steps' states included; attention masks them), and the state
// after each sample's last real step [B, H].
func (m *GRUModel) Encode(ctx *context.Context, src, srcLen *graph.Node) (outputs, state *graph.Node) {
	l := rnn.Must(m.layers(ctx))
	return m.encode(l, src, srcLen)
}

func (m *GRUModel) encode(l gruModelLayers, src, srcLen *graph.Node) (outputs, state *graph.Node) {
	out, _ := l.enc.Forward(graph.Transpose(l.encEmb.Forward(src), 0, 1), nil) // [Ts, B, H]
	batch := src.Shape().Dim(0)
	last := graph.Sub(graph.ConvertDType(srcLen, dtypes.Int32), graph.OnesLike(graph.ConvertDType(srcLen, dtypes.Int32)))
	rows := graph.Iota(src.Graph(), shapes.Make(dtypes.Int32, batch), 0)
	state = graph.Gather(out, graph.Stack([]*graph.Node{last, rows}, 1)) // out[srcLen-1, b]: [B, H]
	return graph.Transpose(out, 0, 1), state
}

// decoderMemory is what every decoder step reads from the encoder: its
// states (the values) [B, Ts, H], their projection by W_k (attention only)
// [B, Ts, H], the valid lengths [B] and the final state [B, H] (the plain
// decoder's context).
type decoderMemory struct {
	values, keys, srcLen, final *graph.Node
}

func (m *GRUModel) memory(l gruModelLayers, outputs, state, srcLen *graph.Node) decoderMemory {
	mem := decoderMemory{values: outputs, srcLen: srcLen, final: state}
	if l.att != nil {
		mem.keys = l.att.Keys(outputs)
	}
	return mem
}

// step is one decoder step: the embedded previous symbol emb [B, E] and the
// state h [B, H] give the new state [B, H] and the attention weights
// [B, Ts] (nil without attention).
func (m *GRUModel) step(l gruModelLayers, emb, h *graph.Node, mem decoderMemory) (hNext, weights *graph.Node) {
	c := mem.final
	if l.att != nil {
		c, weights = l.att.Attend(h, mem.keys, mem.values, mem.srcLen)
	}
	x := graph.ExpandAxes(graph.Concatenate([]*graph.Node{emb, c}, -1), 0) // [1, B, E+H]
	_, hN := l.dec.Forward(x, graph.ExpandAxes(h, 0))
	return graph.Squeeze(hN, 0), weights
}

// Logits runs the model with teacher forcing: the decoder reads decIn
// [B, Tt] (Start, then the target). It returns the logits [B, Tt, Vt] and,
// with attention, the attention weights [B, Tt, Ts] of every decoder step
// over the source steps (nil without).
func (m *GRUModel) Logits(ctx *context.Context, src, srcLen, decIn *graph.Node) (logits, weights *graph.Node) {
	l := rnn.Must(m.layers(ctx))
	outputs, state := m.encode(l, src, srcLen)
	steps, batch := decIn.Shape().Dim(1), decIn.Shape().Dim(0)
	emb := graph.Transpose(l.decEmb.Forward(decIn), 0, 1) // [Tt, B, E]
	var hs *graph.Node                                    // [Tt, B, H]
	if l.att == nil {
		// The context is the same at every step: one GRU call over the whole sequence.
		c := graph.BroadcastToDims(graph.ExpandAxes(state, 0), steps, batch, m.Hidden)
		hs, _ = l.dec.Forward(graph.Concatenate([]*graph.Node{emb, c}, -1), graph.ExpandAxes(state, 0))
	} else {
		mem := m.memory(l, outputs, state, srcLen)
		states, ws := make([]*graph.Node, steps), make([]*graph.Node, steps)
		h := state
		for t := range steps {
			embT := graph.Gather(emb, graph.Const(emb.Graph(), []int32{int32(t)})) // emb[t]: [B, E]
			h, ws[t] = m.step(l, embT, h, mem)
			states[t] = h
		}
		hs, weights = graph.Stack(states, 0), graph.Stack(ws, 1)
	}
	return graph.Transpose(l.dense.Forward(hs), 0, 1), weights
}

// Forward implements Model: the logits [B, Tt, Vt] of Examples' inputs.
func (m *GRUModel) Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node {
	logits, _ := m.Logits(ctx, inputs[0], inputs[1], inputs[2])
	return logits
}

// Loss implements Model: the cross-entropy of logits [B, Tt, Vt] against
// labels [B, Tt]. Masked (the default), the padding after End contributes
// nothing: ReduceMean is the mean over the batch's real target symbols
// (CrossEntropyLoss(ignore_index=pad)), ReduceSum their sum. Unmasked, every
// step counts: the mean (or sum) over all B·Tt steps.
func (m *GRUModel) Loss(logits, labels *graph.Node, r Reduction) *graph.Node {
	pad, _ := m.Tgt.Index(m.Pad)
	mask := graph.NotEqual(labels, graph.Scalar(labels.Graph(), labels.DType(), pad))
	if m.Unmasked { // every label is a class index ≥ 0
		mask = graph.GreaterOrEqual(labels, graph.ScalarZero(labels.Graph(), labels.DType()))
	}
	return MaskedCrossEntropy(logits, labels, mask, r)
}
