package seq2seq

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

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
	// Reduction is how the model's Loss combines the cross-entropies of a
	// batch (every step of every example it counts): ReduceMean (the zero
	// value, PyTorch's default) or ReduceSum. Train passes it to
	// Model.Loss, and every Model honours it the same way; the learning
	// rate that suits a batch depends on it (a sum grows with the batch).
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
	// ContinueOnNaN keeps training when a step's loss is NaN or ±Inf, as a
	// PyTorch loop does (every parameter is then NaN for good). By default
	// Train stops with an error naming the epoch and step, and, where the
	// cause is a label outside the model's classes, the pair and label.
	ContinueOnNaN bool
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
	parts = append(parts, c.reduction().String())
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

// reduction is Reduction, ReduceMean where it is zero.
func (c Config) reduction() Reduction {
	if c.Reduction == 0 {
		return ReduceMean
	}
	return c.Reduction
}

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
}

// Result is a trained model: the context holding its parameters (under the
// model's scopes, ready for decoding or SaveCheckpoint), the loss
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
// the model's Loss (with cfg.Reduction), on GoMLX's train.Trainer and
// train.Loop. Every pair is encoded (Model.Examples) before training starts,
// so a bad word is an error that names its pair. A step whose loss is NaN
// or ±Inf stops training with an error (see Config.ContinueOnNaN).
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
	classes := 0 // the logits' last axis, known once the training graph is built
	lossFn := func(labels, logits []*graph.Node) *graph.Node {
		classes = logits[0].Shape().Dim(-1)
		return model.Loss(logits[0], labels[0], cfg.reduction())
	}
	trainer := train.NewTrainer(b, ctx, modelFn, lossFn, Adam(cfg.LearningRate), nil, nil)
	res := &Result{Ctx: ctx, Model: model}
	var stopped error // what stopped training, without the loop's wrapping
	onStep := stepReporter(cfg, len(pairs), res, func(epoch, step int, loss float64) error {
		if cfg.ContinueOnNaN || !(math.IsNaN(loss) || math.IsInf(loss, 0)) {
			return nil
		}
		stopped = nanError(model, pairs, classes, epoch, step, loss)
		return stopped
	})
	ds := newPairsDataset(model, pairs, cfg)
	start := time.Now()
	if cfg.ContinueOnNaN {
		// train.Loop always stops at a NaN loss: step through the epochs here.
		for range cfg.Epochs {
			ds.Reset()
			for {
				spec, inputs, labels, err := ds.Yield()
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, fmt.Errorf("seq2seq: training: %w", err)
				}
				metrics, err := trainer.TrainStep(spec, inputs, labels)
				if err != nil {
					return nil, fmt.Errorf("seq2seq: training: %w", err)
				}
				if err := onStep(metrics); err != nil {
					return nil, err
				}
			}
		}
	} else {
		loop := train.NewLoop(trainer)
		loop.OnStep("seq2seq.Train", 0, func(_ *train.Loop, metrics []*tensors.Tensor) error { return onStep(metrics) })
		if _, err := loop.RunEpochs(ds, cfg.Epochs); err != nil {
			if stopped != nil {
				return nil, stopped
			}
			return nil, fmt.Errorf("seq2seq: training: %w", err)
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

// stepReporter returns what Train does after every step: it fills res with
// the step's loss, passes the loss to check (epoch and step count from 1;
// check's error stops training), and at the end of every epoch makes its
// report and calls cfg.OnEpoch.
func stepReporter(cfg Config, nPairs int, res *Result, check func(epoch, step int, loss float64) error) func(metrics []*tensors.Tensor) error {
	stepsPerEpoch := (nPairs + cfg.batchSize() - 1) / cfg.batchSize()
	var losses []float64
	return func(metrics []*tensors.Tensor) error {
		loss := float64(tensors.ToScalar[float32](metrics[0]))
		res.Losses = append(res.Losses, loss)
		losses = append(losses, loss)
		if err := check((len(res.Losses)-1)/stepsPerEpoch+1, len(losses), loss); err != nil {
			return err
		}
		if len(losses) < stepsPerEpoch {
			return nil
		}
		e := Epoch{Epoch: len(res.Losses) / stepsPerEpoch, Epochs: cfg.Epochs, Losses: losses}
		for _, l := range losses {
			e.Loss += l
		}
		e.Loss /= float64(len(losses))
		losses = nil
		res.Last = e
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(e)
		}
		return nil
	}
}

// nanError is the error that stops training at a NaN or infinite loss: it
// names the epoch and step, and the first pair with a label outside the
// model's classes where there is one (the usual cause, which the loss
// cannot report itself: CrossEntropy makes such a row NaN).
func nanError(model Model, pairs []Pair, classes, epoch, step int, loss float64) error {
	for i, p := range pairs {
		_, labels, err := model.Examples([]Pair{p})
		if err != nil {
			continue
		}
		if err := CheckLabels(labels, classes); err != nil {
			return fmt.Errorf("seq2seq: epoch %d, step %d: the loss is %v: pair %d (%q → %q): %w", epoch, step, loss, i, p.Source, p.Target, err)
		}
	}
	return fmt.Errorf("seq2seq: epoch %d, step %d: the loss is %v, so every parameter is now NaN; "+
		"lower the learning rate or check the data (Config.ContinueOnNaN goes on, as PyTorch does)", epoch, step, loss)
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
