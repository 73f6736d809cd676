package seq2seq

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// EDTrainConfig is how an EncoderDecoder is trained; MathorTraining returns
// mathor's values (Epochs 5000, BatchSize 3, LearningRate 1e-3, Shuffle, LogEvery 1000).
type EDTrainConfig struct {
	Epochs, BatchSize int
	LearningRate      float64
	// Shuffle draws a new order of the pairs every epoch, like
	// DataLoader(shuffle=True) (with Go's random numbers, seeded by Seed).
	Shuffle bool
	// Seed initialises the parameters and the shuffling.
	Seed int64
	// LogEvery: every LogEvery epochs, Log is called once per batch with the
	// batch's loss (mathor prints "Epoch: 1000 cost = …" for each batch).
	LogEvery int
	Log      func(epoch, batch int, cost float64)
	// OnLoop, if set, receives the train.Loop before training starts: attach
	// GoMLX's progress bar or plots to it.
	OnLoop func(loop *train.Loop)
	// InitialState, if not nil, replaces the random initial parameters (a
	// state dict with PyTorch's names, e.g. "encoder.weight_ih_l0").
	InitialState map[string]*tensors.Tensor
	// Orders, if not nil, gives the order of the pairs for every epoch
	// (len(Orders) == Epochs), instead of Shuffle: to replay a PyTorch run.
	Orders [][]int
}

// EDResult is a trained EncoderDecoder: its translator, the loss of every
// training step and the wall time of the training loop.
type EDResult struct {
	*Translator
	// Losses has one entry per step (batch), in order.
	Losses []float64
	// Duration of the training loop (graph compilation included).
	Duration time.Duration
}

// Train trains the model on pairs with Adam (PyTorch's settings, see Adam)
// and mathor's loss, on GoMLX's train.Trainer and train.Loop.
func (m *EncoderDecoder) Train(pairs []Pair, cfg EDTrainConfig) (*EDResult, error) {
	switch {
	case cfg.Epochs <= 0:
		return nil, fmt.Errorf("seq2seq: epochs must be positive, got %d", cfg.Epochs)
	case cfg.BatchSize <= 0:
		return nil, fmt.Errorf("seq2seq: batch size must be positive, got %d", cfg.BatchSize)
	case !(cfg.LearningRate > 0):
		return nil, fmt.Errorf("seq2seq: learning rate must be positive, got %g", cfg.LearningRate)
	case cfg.Orders != nil && len(cfg.Orders) != cfg.Epochs:
		return nil, fmt.Errorf("seq2seq: %d epoch orders given for %d epochs", len(cfg.Orders), cfg.Epochs)
	}
	all, err := m.MakeData(pairs)
	if err != nil {
		return nil, err
	}
	b, err := backend.Get()
	if err != nil {
		return nil, err
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, cfg.Seed)
	if err := m.Build(ctx); err != nil {
		return nil, err
	}
	if cfg.InitialState != nil {
		if err := rnn.SetStateDict(ctx, cfg.InitialState); err != nil {
			return nil, fmt.Errorf("seq2seq: initial state: %w", err)
		}
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{m.Logits(ctx, inputs[0], inputs[1])}
	}
	lossFn := func(labels, logits []*graph.Node) *graph.Node { return m.Loss(logits[0], labels[0]) }
	trainer := train.NewTrainer(b, ctx, modelFn, lossFn, Adam(cfg.LearningRate), nil, nil)

	ds := &pairsDataset{n: len(pairs), steps: m.Steps(), batch: cfg.BatchSize, orders: cfg.Orders,
		shuffle: cfg.Shuffle, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed)),
		encIdx: tensors.MustCopyFlatData[int32](all.EncIdx), decIdx: tensors.MustCopyFlatData[int32](all.DecIdx),
		decOut: tensors.MustCopyFlatData[int32](all.DecOut)}
	ds.Reset()
	res := &EDResult{Translator: m.Translator(ctx)}
	loop := train.NewLoop(trainer)
	batchInEpoch, lastEpoch := 0, -1
	loop.OnStep("seq2seq.EncoderDecoder.Train", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		if loop.Epoch != lastEpoch {
			lastEpoch, batchInEpoch = loop.Epoch, 0
		}
		batchInEpoch++
		cost := float64(tensors.ToScalar[float32](metrics[0]))
		res.Losses = append(res.Losses, cost)
		if cfg.Log != nil && cfg.LogEvery > 0 && (loop.Epoch+1)%cfg.LogEvery == 0 {
			cfg.Log(loop.Epoch+1, batchInEpoch, cost)
		}
		return nil
	})
	if cfg.OnLoop != nil {
		cfg.OnLoop(loop)
	}
	start := time.Now()
	if _, err := loop.RunEpochs(ds, cfg.Epochs); err != nil {
		return nil, fmt.Errorf("seq2seq: training: %w", err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// pairsDataset yields mathor's batches: the examples in a new order each
// epoch (or the given orders), cut into batches of the batch size (the last
// one smaller if they do not divide evenly), io.EOF at the end of an epoch.
// The examples' indices are kept as Go slices, [n·steps] each.
type pairsDataset struct {
	n, steps, batch        int
	encIdx, decIdx, decOut []int32
	shuffle                bool
	rng                    *rand.Rand
	orders                 [][]int
	epoch                  int
	order                  []int
	next                   int
}

// Name implements train.Dataset.
func (d *pairsDataset) Name() string { return "pairs" }

// Reset starts the next epoch.
func (d *pairsDataset) Reset() {
	switch {
	case d.orders != nil && d.epoch < len(d.orders):
		d.order = d.orders[d.epoch]
	case d.shuffle:
		d.order = d.rng.Perm(d.n)
	default:
		d.order = make([]int, d.n)
		for i := range d.order {
			d.order[i] = i
		}
	}
	d.epoch++
	d.next = 0
}

// Yield implements train.Dataset: the next batch (encoder and decoder indices; targets), io.EOF after the last.
func (d *pairsDataset) Yield() (any, []*tensors.Tensor, []*tensors.Tensor, error) {
	if d.next >= len(d.order) {
		return nil, nil, nil, io.EOF
	}
	idx := d.order[d.next:min(d.next+d.batch, len(d.order))]
	d.next += len(idx)
	rows := func(flat []int32) *tensors.Tensor {
		out := make([]int32, 0, len(idx)*d.steps)
		for _, i := range idx {
			out = append(out, flat[i*d.steps:(i+1)*d.steps]...)
		}
		return tensors.FromFlatDataAndDimensions(out, len(idx), d.steps)
	}
	return nil, []*tensors.Tensor{rows(d.encIdx), rows(d.decIdx)}, []*tensors.Tensor{rows(d.decOut)}, nil
}

// Translator translates words with a trained EncoderDecoder whose
// parameters are in Ctx (from training, or LoadCheckpoint).
type Translator struct {
	Model *EncoderDecoder
	Ctx   *context.Context

	full, encode, step *context.Exec
}

// Translator returns a translator using the parameters in ctx.
func (m *EncoderDecoder) Translator(ctx *context.Context) *Translator {
	return &Translator{Model: m, Ctx: ctx}
}

// translationInput is mathor's make_data([[word, '?' * n_step]]): the
// encoder input of word, and the decoder input 'S' followed by padding.
func (m *EncoderDecoder) translationInput(word string) (Batch, error) {
	src, err := m.pad(word)
	if err != nil {
		return Batch{}, err
	}
	steps, v := m.Steps(), m.Vocab.Size()
	dec := string(Start) + strings.Repeat(string(Pad), m.NStep)
	return Batch{
		EncIn:  tensors.FromFlatDataAndDimensions(m.oneHot(src+string(End)), 1, steps, v),
		DecIn:  tensors.FromFlatDataAndDimensions(m.oneHot(dec), 1, steps, v),
		EncIdx: tensors.FromFlatDataAndDimensions(m.indices(src+string(End)), 1, steps),
		DecIdx: tensors.FromFlatDataAndDimensions(m.indices(dec), 1, steps),
	}, nil
}

// EncoderInput is the encoder's input for one word: the word padded to
// NStep, then 'E', one-hot [1, NStep+1, V]. Errors as MakeData's.
func (m *EncoderDecoder) EncoderInput(word string) (*tensors.Tensor, error) {
	b, err := m.translationInput(word)
	return b.EncIn, err
}

// Decoded is one translation: Steps is the argmax character of every
// decoder step, Text the translation read from it, and Ended whether an end
// symbol 'E' was produced (when it was not, Text is every step's character).
type Decoded struct {
	Steps string
	Text  string
	Ended bool
}

// TranslatePadded is mathor's translate(word): the word is padded and
// encoded, the decoder is fed the start symbol followed by padding (never
// its own predictions), the argmax is taken at every step, the result is
// cut at the first 'E' and the padding '?' removed. Unlike the original it
// does not fail when no 'E' is predicted (Ended is then false).
func (t *Translator) TranslatePadded(word string) (Decoded, error) {
	m := t.Model
	batch, err := m.translationInput(word)
	if err != nil {
		return Decoded{}, err
	}
	if t.full == nil {
		b, err := backend.Get()
		if err != nil {
			return Decoded{}, err
		}
		t.full, err = context.NewExec(b, t.Ctx.Reuse(), func(ctx *context.Context, encIn, decIn *graph.Node) *graph.Node {
			return graph.ArgMax(m.Logits(ctx, encIn, decIn), -1, dtypes.Int32) // [T, 1]
		})
		if err != nil {
			return Decoded{}, err
		}
	}
	out, err := t.full.Exec(batch.EncIdx, batch.DecIdx)
	if err != nil {
		return Decoded{}, fmt.Errorf("seq2seq.TranslatePadded: %w", err)
	}
	idx := tensors.MustCopyFlatData[int32](out[0])
	var steps []rune
	for _, i := range idx {
		r, err := m.Vocab.Char(int(i))
		if err != nil {
			return Decoded{}, err
		}
		steps = append(steps, r)
	}
	d := Decoded{Steps: string(steps)}
	text := d.Steps
	if i := strings.IndexRune(text, End); i >= 0 {
		text, d.Ended = text[:i], true
	}
	d.Text = strings.ReplaceAll(text, string(Pad), "")
	return d, nil
}

// TranslateGreedy decodes autoregressively: the decoder starts from the
// encoder's state with the start symbol, and each predicted character is
// fed back as the next input, until 'E' or maxLen characters (maxLen <= 0
// means NStep+1). Padding characters are removed from Text.
func (t *Translator) TranslateGreedy(word string, maxLen int) (Decoded, error) {
	m := t.Model
	if maxLen <= 0 {
		maxLen = m.Steps()
	}
	batch, err := m.translationInput(word)
	if err != nil {
		return Decoded{}, err
	}
	if t.encode == nil {
		b, err := backend.Get()
		if err != nil {
			return Decoded{}, err
		}
		ctx := t.Ctx.Reuse()
		if t.encode, err = context.NewExec(b, ctx, func(ctx *context.Context, encIn *graph.Node) *graph.Node {
			return m.Encode(ctx, encIn)
		}); err != nil {
			return Decoded{}, err
		}
		if t.step, err = context.NewExec(b, ctx, func(ctx *context.Context, in, h *graph.Node) (*graph.Node, *graph.Node) {
			logits, hN := m.Decode(ctx, in, h) // one step: in [1, 1, V]
			return graph.ArgMax(logits, -1, dtypes.Int32), hN
		}); err != nil {
			return Decoded{}, err
		}
	}
	out, err := t.encode.Exec(batch.EncIdx)
	if err != nil {
		return Decoded{}, fmt.Errorf("seq2seq.TranslateGreedy: %w", err)
	}
	h := out[0]
	var steps []rune
	prev := Start
	d := Decoded{}
	for len(steps) < maxLen {
		res, err := t.step.Exec(tensors.FromFlatDataAndDimensions(m.indices(string(prev)), 1, 1), h)
		if err != nil {
			return Decoded{}, fmt.Errorf("seq2seq.TranslateGreedy: %w", err)
		}
		r, err := m.Vocab.Char(int(tensors.MustCopyFlatData[int32](res[0])[0]))
		if err != nil {
			return Decoded{}, err
		}
		h = res[1]
		steps = append(steps, r)
		if r == End {
			d.Ended = true
			break
		}
		prev = r
	}
	d.Steps = string(steps)
	d.Text = strings.ReplaceAll(strings.TrimSuffix(d.Steps, string(End)), string(Pad), "")
	return d, nil
}
