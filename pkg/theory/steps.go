package theory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// This file is a thin training loop for the clipping experiment, beside
// seq2seq.Train (which the memory experiment uses): seq2seq.Train always
// optimises with Adam and has no place for clip_grad_norm_, and the
// gradient-explosion demonstration needs plain SGD — whose step is the
// gradient itself, so an exploding gradient is an exploding step — with the
// gradient norm of every step recorded, clipped or not.

// StepConfig is how TrainSteps trains a seq2seq.Model.
type StepConfig struct {
	// Steps is the number of optimiser steps (batches), at least 1.
	Steps int
	// BatchSize pairs a step (at least 1); the pairs are shuffled (seeded
	// by Seed) and cycled through.
	BatchSize int
	// Optimizer is "sgd" (plain SGD, torch.optim.SGD(params, lr), no decay
	// or momentum) or "adam" (seq2seq.Adam, PyTorch's settings).
	Optimizer    string
	LearningRate float64
	// MaxNorm clips the gradients of every step with
	// torch.nn.utils.clip_grad_norm_(params, MaxNorm) (rnn.WithClipGradNorm);
	// +Inf (or 0) only measures the norm.
	MaxNorm float64
	// Seed initialises the parameters (context.ParamInitialSeed) and the
	// shuffling.
	Seed int64
	// Init, if set, is called with the training context after the model
	// built its parameters and they were initialised: to change some of
	// them (ScaleRecurrent does) before the first step.
	Init func(ctx *context.Context) error
	// OnLoop, if set, receives the train.Loop before training (for
	// nb.ProgressBar).
	OnLoop func(loop *train.Loop)
}

// StepResult is what TrainSteps records at every step.
type StepResult struct {
	Ctx *context.Context
	// Losses are the batch losses, GradNorms the total gradient norms
	// ‖g‖ = √(Σ_k ‖g_k‖²) before clipping, Applied the norms of the
	// gradients the optimiser used: min(‖g‖, MaxNorm) (up to
	// clip_grad_norm_'s 1e-6), ‖g‖ without clipping. One entry per step.
	Losses, GradNorms, Applied []float64
	// MaxNorm is the threshold used (+Inf: no clipping).
	MaxNorm float64
	// Diverged is the step (from 1) whose loss was NaN or infinite, where
	// training stopped (GoMLX's train.Loop stops there), or 0 if all the
	// steps ran.
	Diverged int
	Duration time.Duration
}

// FirstNonFinite returns the first step (from 1) whose loss or gradient
// norm is NaN or infinite, or 0 if every one is finite.
func (r *StepResult) FirstNonFinite() int {
	for i := range r.Losses {
		if bad(r.Losses[i]) || bad(r.GradNorms[i]) {
			return i + 1
		}
	}
	return 0
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

func (c StepConfig) check(n int) error {
	switch {
	case c.Steps < 1:
		return fmt.Errorf("theory.TrainSteps: steps must be at least 1, got %d", c.Steps)
	case c.BatchSize < 1:
		return fmt.Errorf("theory.TrainSteps: batch size must be at least 1, got %d", c.BatchSize)
	case !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0):
		return fmt.Errorf("theory.TrainSteps: learning rate must be positive, got %g", c.LearningRate)
	case c.Optimizer != "sgd" && c.Optimizer != "adam":
		return fmt.Errorf("theory.TrainSteps: optimizer must be \"sgd\" or \"adam\", got %q", c.Optimizer)
	case math.IsNaN(c.MaxNorm) || c.MaxNorm < 0:
		return fmt.Errorf("theory.TrainSteps: max norm must be positive, or 0 / +Inf for no clipping, got %g", c.MaxNorm)
	case n == 0:
		return fmt.Errorf("theory.TrainSteps: no training pairs")
	}
	return nil
}

// TrainSteps trains model on pairs for cfg.Steps steps with GoMLX's
// train.Loop: the model's Loss (mean over the batch), plain SGD or Adam,
// every step's gradients clipped to cfg.MaxNorm by rnn.WithClipGradNorm
// (or only measured), and the loss and gradient norm of every step
// recorded. It does not stop on NaN: a diverging run is what it may show.
func TrainSteps(model seq2seq.Model, pairs []seq2seq.Pair, cfg StepConfig) (*StepResult, error) {
	if model == nil {
		return nil, fmt.Errorf("theory.TrainSteps: no model")
	}
	if err := cfg.check(len(pairs)); err != nil {
		return nil, err
	}
	if _, _, err := model.Examples(pairs[:min(cfg.BatchSize, len(pairs))]); err != nil {
		return nil, fmt.Errorf("theory.TrainSteps: %w", err)
	}
	maxNorm := cfg.MaxNorm
	if maxNorm == 0 {
		maxNorm = math.Inf(1)
	}
	b, err := backend.Get()
	if err != nil {
		return nil, err
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, cfg.Seed)
	if err := model.Build(ctx); err != nil {
		return nil, fmt.Errorf("theory.TrainSteps: %w", err)
	}
	if cfg.Init != nil {
		if err := ctx.InitializeVariables(b, nil); err != nil {
			return nil, fmt.Errorf("theory.TrainSteps: %w", err)
		}
		if err := cfg.Init(ctx); err != nil {
			return nil, fmt.Errorf("theory.TrainSteps: init: %w", err)
		}
	}
	var opt optimizers.Interface = seq2seq.Adam(cfg.LearningRate)
	if cfg.Optimizer == "sgd" {
		opt = optimizers.StochasticGradientDescent().WithDecay(false).WithLearningRate(cfg.LearningRate).Done()
	}
	if opt, err = rnn.WithClipGradNorm(opt, maxNorm); err != nil {
		return nil, err
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{model.Forward(ctx, inputs)}
	}
	lossFn := func(labels, logits []*graph.Node) *graph.Node {
		return model.Loss(logits[0], labels[0], seq2seq.ReduceMean)
	}
	loop := train.NewLoop(train.NewTrainer(b, ctx, modelFn, lossFn, opt, nil, nil))
	res := &StepResult{Ctx: ctx, MaxNorm: maxNorm}
	loop.OnStep("theory.TrainSteps", 0, func(_ *train.Loop, metrics []*tensors.Tensor) error {
		norm, err := rnn.LastGradNorm(ctx)
		if err != nil {
			return err
		}
		applied := norm
		if norm > maxNorm {
			applied = norm * maxNorm / (norm + 1e-6)
		}
		res.Losses = append(res.Losses, float64(tensors.ToScalar[float32](metrics[0])))
		res.GradNorms = append(res.GradNorms, norm)
		res.Applied = append(res.Applied, applied)
		return nil
	})
	if cfg.OnLoop != nil {
		cfg.OnLoop(loop)
	}
	ds := &batches{model: model, pairs: pairs, batch: cfg.BatchSize, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0xba7c))}
	start := time.Now()
	if _, err := loop.RunSteps(ds, cfg.Steps); err != nil {
		// GoMLX's loop stops at a NaN or infinite batch loss (after the
		// OnStep hooks recorded it): that is the divergence to show.
		if n := len(res.Losses); n == 0 || !bad(res.Losses[n-1]) {
			return nil, fmt.Errorf("theory.TrainSteps: %w", err)
		}
		res.Diverged = len(res.Losses)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// batches is TrainSteps' train.Dataset: the pairs shuffled, cut into
// batches, reshuffled after every pass, endlessly (RunSteps counts).
type batches struct {
	model seq2seq.Model
	pairs []seq2seq.Pair
	batch int
	rng   *rand.Rand
	order []int
	next  int
}

func (d *batches) Name() string { return "theory.batches" }

func (d *batches) Reset() { d.order = nil }

func (d *batches) Yield() (any, []*tensors.Tensor, []*tensors.Tensor, error) {
	if d.order == nil || d.next+d.batch > len(d.order) {
		d.order = d.rng.Perm(len(d.pairs))
		d.next = 0
	}
	n := min(d.batch, len(d.order))
	chunk := make([]seq2seq.Pair, n)
	for i := range chunk {
		chunk[i] = d.pairs[d.order[d.next+i]]
	}
	d.next += n
	inputs, labels, err := d.model.Examples(chunk)
	if err != nil {
		return nil, nil, nil, err
	}
	return nil, inputs, []*tensors.Tensor{labels}, nil
}

var _ train.Dataset = (*batches)(nil)

// ScaleRecurrent returns a StepConfig.Init that rescales the recurrent
// weight W_hh ("rnn/weight_hh_l0", U of rnn.SRN) of the model to spectral
// radius radius (see SpectralRadius): W_hh ← W_hh · radius/ρ(W_hh).
func ScaleRecurrent(radius float64) func(ctx *context.Context) error {
	return func(ctx *context.Context) error {
		if !(radius > 0) || math.IsInf(radius, 0) {
			return fmt.Errorf("theory.ScaleRecurrent: want a positive radius, got %g", radius)
		}
		v := ctx.In("rnn").GetVariable("weight_hh_l0")
		if v == nil {
			return fmt.Errorf("theory.ScaleRecurrent: the model has no rnn/weight_hh_l0 under scope %q", ctx.Scope())
		}
		t, err := v.Value()
		if err != nil {
			return err
		}
		dims := t.Shape().Dimensions
		m := zeros(dims[0], dims[1])
		flat := rnn.Float64s(t)
		for r := range m {
			copy(m[r], flat[r*dims[1]:(r+1)*dims[1]])
		}
		rho := SpectralRadius(m)
		if rho == 0 {
			return fmt.Errorf("theory.ScaleRecurrent: W_hh has spectral radius 0, it cannot be rescaled")
		}
		return rnn.Parameter{Name: "weight_hh_l0", Variable: v}.Set(scaled(m, radius/rho))
	}
}
