package theory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// Kind is the recurrent layer of a Classifier.
type Kind string

// The three recurrent layers compared: pkg/rnn's RNN (tanh), LSTM and GRU.
const (
	SRN  Kind = "SRN"
	LSTM Kind = "LSTM"
	GRU  Kind = "GRU"
)

// Kinds are the three, in the order the notebook shows them.
var Kinds = []Kind{SRN, LSTM, GRU}

// Classifier is a sequence classifier, the practice book's
// Model_RNN4SeqClass: Embedding(Digits, Embed) → a recurrent layer
// (Kind: RNN, LSTM or GRU; Embed → Hidden, batch_first, h0 zeros) →
// Linear(Hidden, Classes) on the last state h_K. It is a seq2seq.Model, so
// seq2seq.Train trains it; its inputs are digit strings (Pair.Source, every
// one of the same length) and its labels integers 0…Classes−1 in decimal
// (Pair.Target), as DigitSum writes them.
//
// Parameters (PyTorch's names): "embedding/weight" [Digits, Embed],
// "rnn/weight_ih_l0" [G·Hidden, Embed], "rnn/weight_hh_l0" [G·Hidden, Hidden],
// "rnn/bias_ih_l0", "rnn/bias_hh_l0" [G·Hidden] (G = 1, 4, 3 for SRN, LSTM,
// GRU), "linear/weight" [Classes, Hidden], "linear/bias" [Classes].
//
// Zero sizes take the defaults: Digits 10, Embed 32, Hidden 32, Classes 19
// (DigitSumClasses); the practice book's sizes.
type Classifier struct {
	Kind                           Kind
	Digits, Embed, Hidden, Classes int
	// Nonlinearity is the SRN's activation, "tanh" (the default, for "")
	// or "relu" (nn.RNN's nonlinearity); the LSTM and the GRU ignore it.
	Nonlinearity string
	// Chrono, if ≥ 2, initialises an LSTM's gate biases for memories of up
	// to Chrono steps (Tallec & Ollivier's chrono initialisation, ICLR 2018):
	// forget gate b_f = log(u) with u ~ U(1, Chrono−1) per unit, input gate
	// b_i = −b_f (in bias_ih_l0; bias_hh_l0's i and f parts zero), drawn
	// from the context's initial seed. Then f = σ(b_f) keeps a unit's cell
	// state for about u steps. 0 keeps PyTorch's initialisation, every
	// bias from U(−1/√H, 1/√H), where f ≈ σ(0) = ½ halves the cell state at
	// every step. Ignored for the SRN and the GRU.
	Chrono int
}

func (c Classifier) sizes() (digits, embed, hidden, classes int) {
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	return or(c.Digits, 10), or(c.Embed, 32), or(c.Hidden, 32), or(c.Classes, DigitSumClasses)
}

func (c Classifier) nonlinearity() string {
	if c.Nonlinearity == "" {
		return rnn.Tanh
	}
	return c.Nonlinearity
}

func (c Classifier) check() error {
	d, e, h, k := c.sizes()
	switch {
	case c.Kind != SRN && c.Kind != LSTM && c.Kind != GRU:
		return fmt.Errorf("theory.Classifier: kind must be %q, %q or %q, got %q", SRN, LSTM, GRU, c.Kind)
	case d < 0 || e < 0 || h < 0 || k < 0 || d > 10:
		return fmt.Errorf("theory.Classifier: sizes must be positive (digits ≤ 10), got digits %d, embed %d, hidden %d, classes %d", d, e, h, k)
	case c.Chrono < 0 || c.Chrono == 1:
		return fmt.Errorf("theory.Classifier: Chrono must be 0 (PyTorch's initialisation) or a memory length ≥ 2, got %d", c.Chrono)
	}
	return nil
}

// layers are a Classifier's three layers; recurrent is the Kind's layer as
// a function of the embedded sequence [N, K, Embed] returning h_K [N, Hidden].
type layers struct {
	emb       *rnn.Embedding
	recurrent func(x *graph.Node) *graph.Node
	linear    *rnn.Linear
}

func (c Classifier) layers(ctx *context.Context) (l layers, err error) {
	if err := c.check(); err != nil {
		return l, err
	}
	digits, embed, hidden, classes := c.sizes()
	if l.emb, err = rnn.NewEmbedding(ctx.In("embedding"), digits, embed).Done(); err != nil {
		return l, err
	}
	last := func(hN *graph.Node) *graph.Node { return graph.Reshape(hN, -1, hidden) } // [1, N, H] → [N, H]
	switch c.Kind {
	case SRN:
		m, err := rnn.New(ctx.In("rnn"), embed, hidden).BatchFirst(true).Nonlinearity(c.nonlinearity()).Done()
		if err != nil {
			return l, err
		}
		l.recurrent = func(x *graph.Node) *graph.Node { _, hN := m.Forward(x, nil); return last(hN) }
	case LSTM:
		m, err := rnn.NewLSTM(ctx.In("rnn"), embed, hidden).BatchFirst(true).Done()
		if err != nil {
			return l, err
		}
		l.recurrent = func(x *graph.Node) *graph.Node { _, hN, _ := m.Forward(x, nil, nil); return last(hN) }
	case GRU:
		m, err := rnn.NewGRU(ctx.In("rnn"), embed, hidden).BatchFirst(true).Done()
		if err != nil {
			return l, err
		}
		l.recurrent = func(x *graph.Node) *graph.Node { _, hN := m.Forward(x, nil); return last(hN) }
	}
	l.linear, err = rnn.NewLinear(ctx.In("linear"), hidden, classes).Done()
	return l, err
}

// Build implements seq2seq.Model: it creates the parameters in ctx (and,
// for an LSTM with Chrono > 0, initialises them and sets its chrono biases).
func (c Classifier) Build(ctx *context.Context) error {
	if _, err := c.layers(ctx); err != nil {
		return err
	}
	if c.Chrono == 0 || c.Kind != LSTM {
		return nil
	}
	b, err := backend.Get()
	if err != nil {
		return err
	}
	if err := ctx.InitializeVariables(b, nil); err != nil {
		return fmt.Errorf("theory.Classifier: %w", err)
	}
	seed := context.GetParamOr(ctx, context.ParamInitialSeed, int64(0))
	rng := rand.New(rand.NewPCG(uint64(seed), 0xc4201))
	_, _, hidden, _ := c.sizes()
	bih, bhh := ctx.In("rnn").GetVariable("bias_ih_l0"), ctx.In("rnn").GetVariable("bias_hh_l0")
	if bih == nil || bhh == nil {
		return fmt.Errorf("theory.Classifier: no rnn/bias_ih_l0 and rnn/bias_hh_l0 to initialise")
	}
	ih, hh := make([]float64, 4*hidden), make([]float64, 4*hidden)
	for _, pair := range []struct {
		v   *context.Variable
		dst []float64
	}{{bih, ih}, {bhh, hh}} {
		t, err := pair.v.Value()
		if err != nil {
			return fmt.Errorf("theory.Classifier: %w", err)
		}
		copy(pair.dst, rnn.Float64s(t))
	}
	// PyTorch's gate order is i, f, g, o: b_f = log(u), u ~ U(1, Chrono−1), b_i = −b_f (in bias_ih; bias_hh's i and f zero).
	for j := range hidden {
		bf := math.Log(1 + rng.Float64()*float64(c.Chrono-2))
		ih[j], ih[hidden+j] = -bf, bf
		hh[j], hh[hidden+j] = 0, 0
	}
	if err := (rnn.Parameter{Name: "bias_ih_l0", Variable: bih}).Set(ih); err != nil {
		return err
	}
	return rnn.Parameter{Name: "bias_hh_l0", Variable: bhh}.Set(hh)
}

// Examples implements seq2seq.Model: the sources as digit indices [N, K]
// int32 (every source K digits long) and the targets as class indices
// [N, 1] int32.
func (c Classifier) Examples(pairs []seq2seq.Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	if len(pairs) == 0 {
		return nil, nil, fmt.Errorf("theory.Classifier: no pairs to encode")
	}
	digits, _, _, classes := c.sizes()
	k := len(pairs[0].Source)
	x := make([]int32, 0, len(pairs)*k)
	labels := make([]int32, len(pairs))
	for i, p := range pairs {
		if len(p.Source) != k || k == 0 {
			return nil, nil, fmt.Errorf("theory.Classifier: source %q has %d digits, the first of the batch %d: want one length (and at least 1)",
				p.Source, len(p.Source), k)
		}
		for _, ch := range []byte(p.Source) {
			if ch < '0' || int(ch-'0') >= digits {
				return nil, nil, fmt.Errorf("theory.Classifier: source %q: %q is not a digit 0–%d", p.Source, ch, digits-1)
			}
			x = append(x, int32(ch-'0'))
		}
		label, err := strconv.Atoi(p.Target)
		if err != nil || label < 0 || label >= classes {
			return nil, nil, fmt.Errorf("theory.Classifier: target %q of source %q is not a class 0–%d", p.Target, p.Source, classes-1)
		}
		labels[i] = int32(label)
	}
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, len(pairs), k)},
		tensors.FromFlatDataAndDimensions(labels, len(pairs), 1), nil
}

// Forward implements seq2seq.Model: the logits [N, Classes] of inputs[0],
// digit indices [N, K].
func (c Classifier) Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node {
	l := rnn.Must(c.layers(ctx))
	return l.linear.Forward(l.recurrent(l.emb.Forward(inputs[0])))
}

// Loss implements seq2seq.Model: seq2seq.CrossEntropy of the N examples
// (nn.CrossEntropyLoss: their mean, or their sum with ReduceSum).
func (c Classifier) Loss(logits, labels *graph.Node, r seq2seq.Reduction) *graph.Node {
	return seq2seq.CrossEntropy(logits, labels, r)
}

// String describes the model as PyTorch would construct it.
func (c Classifier) String() string {
	d, e, h, k := c.sizes()
	layer := map[Kind]string{SRN: "RNN", LSTM: "LSTM", GRU: "GRU"}[c.Kind]
	if c.Kind == SRN && c.nonlinearity() != rnn.Tanh {
		return fmt.Sprintf("Embedding(%d, %d) → RNN(%d, %d, nonlinearity='%s', batch_first=True) → Linear(%d, %d) on the last state",
			d, e, e, h, c.nonlinearity(), h, k)
	}
	if layer == "" {
		layer = string(c.Kind) + "?"
	}
	return fmt.Sprintf("Embedding(%d, %d) → %s(%d, %d, batch_first=True) → Linear(%d, %d) on the last state", d, e, layer, e, h, h, k)
}

var _ seq2seq.Model = Classifier{}

// Accuracy is the fraction of pairs whose class the classifier, with the
// parameters in ctx (a seq2seq.Result's Ctx), predicts right: argmax of the
// logits = the target. It runs the pairs in batches of up to 1000.
func Accuracy(ctx *context.Context, c Classifier, pairs []seq2seq.Pair) (float64, error) {
	if len(pairs) == 0 {
		return 0, fmt.Errorf("theory.Accuracy: no pairs")
	}
	if ctx == nil {
		return 0, fmt.Errorf("theory.Accuracy: no context (pass a trained model's, e.g. seq2seq.Result.Ctx)")
	}
	b, err := backend.Get()
	if err != nil {
		return 0, err
	}
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
		return graph.ArgMax(c.Forward(ctx, []*graph.Node{x}), -1, dtypes.Int32)
	})
	if err != nil {
		return 0, fmt.Errorf("theory.Accuracy: %w", err)
	}
	right := 0
	const batch = 1000
	for start := 0; start < len(pairs); start += batch {
		chunk := pairs[start:min(start+batch, len(pairs))]
		inputs, labels, err := c.Examples(chunk)
		if err != nil {
			return 0, fmt.Errorf("theory.Accuracy: %w", err)
		}
		out, err := exec.Exec(inputs[0])
		if err != nil {
			return 0, fmt.Errorf("theory.Accuracy: %w", err)
		}
		pred := tensors.MustCopyFlatData[int32](out[0])
		want := tensors.MustCopyFlatData[int32](labels)
		for i := range pred {
			if pred[i] == want[i] {
				right++
			}
		}
	}
	return float64(right) / float64(len(pairs)), nil
}
