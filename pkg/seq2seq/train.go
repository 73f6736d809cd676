package seq2seq

import (
	"fmt"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Config is how Train trains a model. Epochs and LearningRate must be set;
// the zero value of every other field is PyTorch's default (batch size 1,
// pairs in order, mean cross-entropy) or GoMLX's (seed 0, random weights).
type Config struct {
	// Epochs is the number of passes over the pairs.
	Epochs int
	// LearningRate of Adam (see Adam).
	LearningRate float64
	// BatchSize is the number of pairs a step trains on (0 means 1, like
	// DataLoader's default); the last batch of an epoch is smaller when it
	// does not divide the pairs. The lecture-12 models take batch size 1.
	BatchSize int
	// Shuffle draws a new order of the pairs every epoch, like
	// DataLoader(shuffle=True) (with Go's random numbers, seeded by Seed).
	Shuffle bool
	// Orders, if not nil, gives the order of the pairs for every epoch
	// (len(Orders) == Epochs, each a permutation of the pair indices),
	// instead of Shuffle: to replay a PyTorch run.
	Orders [][]int
	// Reduction is how the loss combines the cross-entropies of a
	// sequence's steps: ReduceMean (the zero value) or ReduceSum.
	Reduction Reduction
	// Seed initialises the parameters (GoMLX's context.ParamInitialSeed)
	// and the shuffling: the same seed gives the same run.
	Seed int64
	// InitialState, if not nil, is a state dict (PyTorch's names, e.g.
	// "rnncell.weight_ih" or "encoder.weight_ih_l0") that replaces the
	// random initial parameters, to start from the exact weights of a
	// PyTorch run. It must name every parameter (see rnn.SetStateDict).
	InitialState map[string]*tensors.Tensor
	// Autodiff makes GoMLX differentiate the layers' operations instead of
	// using pkg/rnn's hand-derived gradients (the same numbers, several
	// times slower): Train sets rnn.ParamCustomGradient to false in the
	// training context.
	Autodiff bool
	// OnEpoch, if set, is called after every epoch with its report.
	OnEpoch func(Epoch)
}

// String describes the training as set up: the optimiser and the epochs,
// then the batches and the loss where they are set, then how the
// parameters start.
func (c Config) String() string {
	parts := []string{fmt.Sprintf("Adam(lr=%g, eps=1e-8)", c.LearningRate), fmt.Sprintf("%d epochs", c.Epochs)}
	if c.BatchSize != 0 || c.Shuffle || c.Orders != nil {
		order := "pairs in order"
		switch {
		case c.Orders != nil:
			order = "given batch orders"
		case c.Shuffle:
			order = "shuffled"
		}
		parts = append(parts, fmt.Sprintf("batch %d (%s)", c.batchSize(), order))
	}
	if c.Reduction != 0 {
		parts = append(parts, c.Reduction.String())
	}
	if c.InitialState != nil {
		parts = append(parts, "given initial weights")
	} else {
		parts = append(parts, fmt.Sprintf("seed %d", c.Seed))
	}
	if c.Autodiff {
		parts = append(parts, "GoMLX autodiff gradients")
	}
	return strings.Join(parts, ", ")
}

func (c Config) batchSize() int { return max(c.BatchSize, 1) }

// check validates the configuration for n pairs.
func (c Config) check(n int) error {
	switch {
	case c.Epochs <= 0:
		return fmt.Errorf("seq2seq: epochs must be positive, got %d", c.Epochs)
	case !(c.LearningRate > 0):
		return fmt.Errorf("seq2seq: learning rate must be positive, got %g", c.LearningRate)
	case c.BatchSize < 0:
		return fmt.Errorf("seq2seq: batch size must be positive (or 0 for 1), got %d", c.BatchSize)
	case c.Reduction != 0 && c.Reduction != ReduceMean && c.Reduction != ReduceSum:
		return fmt.Errorf("seq2seq: unknown reduction %d (want ReduceMean or ReduceSum)", int(c.Reduction))
	case n == 0:
		return fmt.Errorf("seq2seq: no training pairs")
	case c.Orders != nil && len(c.Orders) != c.Epochs:
		return fmt.Errorf("seq2seq: %d epoch orders given for %d epochs", len(c.Orders), c.Epochs)
	}
	for e, order := range c.Orders {
		seen := make([]bool, n)
		for _, i := range order {
			if i < 0 || i >= n || seen[i] {
				return fmt.Errorf("seq2seq: the order of epoch %d, %v, is not a permutation of the %d pairs", e+1, order, n)
			}
			seen[i] = true
		}
		if len(order) != n {
			return fmt.Errorf("seq2seq: the order of epoch %d, %v, is not a permutation of the %d pairs", e+1, order, n)
		}
	}
	return nil
}

// Epoch is what Train reports after every epoch (Config.OnEpoch).
type Epoch struct {
	// Epoch counts from 1 to Epochs.
	Epoch, Epochs int
	// Losses has the loss of each of the epoch's steps (batches), in order;
	// Loss is their mean (with one step an epoch, that step's loss).
	Losses []float64
	Loss   float64
	// Predicted is, for a CharModel, the string it predicts for the first
	// pair's source (the argmax at every step) with the parameters of the
	// epoch's first forward pass, i.e. before that epoch's updates — what
	// the lecture prints. It is empty for other models.
	Predicted string
}

// Result is a trained model: the context holding its parameters (under the
// model's scopes, ready for a Translator or SaveCheckpoint), the loss
// of every step and the wall time of the training loop.
type Result struct {
	Ctx   *context.Context
	Model Model
	// Losses has one entry per step (batch), in order.
	Losses []float64
	// Last is the report of the last epoch.
	Last Epoch
	// Duration of the training loop (graph compilation included).
	Duration time.Duration
}

// Train trains model on pairs with Adam (PyTorch's settings, see Adam) and
// the model's Loss, on GoMLX's train.Trainer and train.Loop. Every pair is
// encoded (Model.Examples) before training starts, so a bad word is an error
// that names its pair.
func Train(model Model, pairs []Pair, cfg Config) (*Result, error) {
	if model == nil {
		return nil, fmt.Errorf("seq2seq: no model to train")
	}
	if err := cfg.check(len(pairs)); err != nil {
		return nil, err
	}
	for i, p := range pairs {
		if _, _, err := model.Examples([]Pair{p}); err != nil {
			return nil, pairError{i, err}
		}
	}
	if n := min(cfg.batchSize(), len(pairs)); n > 1 {
		if _, _, err := model.Examples(pairs[:n]); err != nil {
			return nil, fmt.Errorf("seq2seq: a batch of %d pairs: %w", n, err)
		}
	}
	b, err := backend.Get()
	if err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}

	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, cfg.Seed)
	if cfg.Autodiff {
		ctx.SetParam(rnn.ParamCustomGradient, false)
	}
	if err := model.Build(ctx); err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}
	if cfg.InitialState != nil {
		if err := rnn.SetStateDict(ctx, cfg.InitialState); err != nil {
			return nil, fmt.Errorf("seq2seq: initial state: %w", err)
		}
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{model.Forward(ctx, inputs)}
	}
	lossFn := func(labels, logits []*graph.Node) *graph.Node {
		return model.Loss(logits[0], labels[0], cfg.Reduction)
	}
	trainer := train.NewTrainer(b, ctx, modelFn, lossFn, Adam(cfg.LearningRate), nil, nil)
	loop := train.NewLoop(trainer)
	res := &Result{Ctx: ctx, Model: model}
	if err := reportEpochs(loop, b, model, pairs, cfg, res); err != nil {
		return nil, err
	}
	ds := newPairsDataset(model, pairs, cfg)
	start := time.Now()
	if _, err := loop.RunEpochs(ds, cfg.Epochs); err != nil {
		return nil, fmt.Errorf("seq2seq: training: %w", err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// reportEpochs attaches to the loop what fills res and calls cfg.OnEpoch:
// the loss of every step, and at the end of every epoch its report. For a
// CharModel, the prediction the report carries is computed from the
// parameters before the epoch's first step: before the loop starts, then
// after the last step of each epoch for the next.
func reportEpochs(loop *train.Loop, b backends.Backend, model Model, pairs []Pair, cfg Config, res *Result) error {
	const name = "seq2seq.Train"
	stepsPerEpoch := (len(pairs) + cfg.batchSize() - 1) / cfg.batchSize()
	predict := func() (string, error) { return "", nil }
	if cm, ok := model.(CharModel); ok {
		x, err := cm.Input(pairs[0].Source)
		if err != nil {
			return fmt.Errorf("seq2seq: pair 0: source: %w", err)
		}
		pred, err := newPredictor(b, res.Ctx, cm)
		if err != nil {
			return err
		}
		predict = func() (string, error) { return pred.run(x) }
	}
	var next string
	var losses []float64
	loop.OnStart(name, 0, func(*train.Loop, train.Dataset) (err error) {
		next, err = predict()
		return err
	})
	loop.OnStep(name, 0, func(_ *train.Loop, metrics []*tensors.Tensor) (err error) {
		loss := float64(tensors.ToScalar[float32](metrics[0]))
		res.Losses = append(res.Losses, loss)
		losses = append(losses, loss)
		if len(losses) < stepsPerEpoch {
			return nil
		}
		e := Epoch{Epoch: len(res.Losses) / stepsPerEpoch, Epochs: cfg.Epochs, Losses: losses, Predicted: next}
		for _, l := range losses {
			e.Loss += l
		}
		e.Loss /= float64(len(losses))
		losses = nil
		res.Last = e
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(e)
		}
		if e.Epoch < cfg.Epochs {
			next, err = predict()
		}
		return err
	})
	return nil
}

// Adam returns GoMLX's Adam configured as torch.optim.Adam(params, lr):
// betas (0.9, 0.999), no weight decay, and eps 1e-8 — GoMLX's default
// epsilon is 1e-7, so it is set explicitly.
func Adam(learningRate float64) optimizers.Interface {
	return optimizers.Adam().LearningRate(learningRate).Betas(0.9, 0.999).Epsilon(1e-8).Done()
}

// pairError is an error about training pair i: "seq2seq: pair i: …",
// without repeating the "seq2seq: " of the errors it wraps.
type pairError struct {
	i   int
	err error
}

func (e pairError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "seq2seq: ")
	return fmt.Sprintf("seq2seq: pair %d: %s", e.i, strings.ReplaceAll(msg, ": seq2seq: ", ": "))
}

func (e pairError) Unwrap() error { return e.err }
