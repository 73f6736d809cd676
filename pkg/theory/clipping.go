package theory

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/ml/train"
)

// ClipConfig is the gradient-explosion experiment: one SRN classifier on
// the digit-sum task, its recurrent matrix rescaled to a large spectral
// radius, trained with plain SGD twice from the same start — without
// clipping and with clip_grad_norm_(params, MaxNorm).
type ClipConfig struct {
	// K, Train and DataSeed are the DigitSum data (K digits, Train sequences).
	K, Train int
	DataSeed uint64
	// Embed, Hidden and Nonlinearity are the Classifier's (an SRN).
	Embed, Hidden int
	Nonlinearity  string
	// Radius is the spectral radius W_hh is rescaled to before training.
	Radius float64
	// Steps, BatchSize, LearningRate (SGD), MaxNorm and Seed are
	// StepConfig's.
	Steps, BatchSize int
	LearningRate     float64
	MaxNorm          float64
	Seed             int64
	// OnLoop, if set, receives both trainings' loops (nb.ProgressBar).
	OnLoop func(loop *train.Loop) `json:"-"`
}

// DefaultClip is the notebook's setting: K = 10 digits, 2000 sequences
// (data seed 1); Embedding(10, 16) → RNN(16, 32, nonlinearity='relu') →
// Linear(32, 19), W_hh rescaled to ρ = 2.5; SGD(lr=0.1), batch 32, 400
// steps, seed 1; clipping at max_norm = 1.
func DefaultClip() ClipConfig {
	return ClipConfig{K: 10, Train: 2000, DataSeed: 1, Embed: 16, Hidden: 32, Nonlinearity: "relu", Radius: 2.5,
		Steps: 400, BatchSize: 32, LearningRate: 0.1, MaxNorm: 1, Seed: 1}
}

// Model is the classifier the experiment trains.
func (c ClipConfig) Model() Classifier {
	return Classifier{Kind: SRN, Embed: c.Embed, Hidden: c.Hidden, Nonlinearity: c.Nonlinearity}
}

// Clipping runs the experiment: the same data, initial weights and batches
// (same seeds), SGD without clipping (only measuring the gradient norm) and
// with clipping at MaxNorm. The run without clipping stops where its loss
// becomes NaN or infinite (StepResult.Diverged). The summary has the
// numbers notebook 05 reports.
func Clipping(cfg ClipConfig) (unclipped, clipped *StepResult, summary *ClipSummary, err error) {
	if !(cfg.MaxNorm > 0) || math.IsInf(cfg.MaxNorm, 0) {
		return nil, nil, nil, fmt.Errorf("theory.Clipping: MaxNorm must be a positive threshold, got %g", cfg.MaxNorm)
	}
	pairs, _, err := DigitSum(cfg.K, cfg.Train, 1, cfg.DataSeed)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("theory.Clipping: %w", err)
	}
	run := func(maxNorm float64) (*StepResult, error) {
		return TrainSteps(cfg.Model(), pairs, StepConfig{Steps: cfg.Steps, BatchSize: cfg.BatchSize, Optimizer: "sgd",
			LearningRate: cfg.LearningRate, MaxNorm: maxNorm, Seed: cfg.Seed, Init: ScaleRecurrent(cfg.Radius), OnLoop: cfg.OnLoop})
	}
	if unclipped, err = run(math.Inf(1)); err != nil {
		return nil, nil, nil, fmt.Errorf("theory.Clipping: without clipping: %w", err)
	}
	if clipped, err = run(cfg.MaxNorm); err != nil {
		return nil, nil, nil, fmt.Errorf("theory.Clipping: with clipping: %w", err)
	}
	s := &ClipSummary{Config: cfg, DivergedAt: unclipped.Diverged, Finite: clipped.FirstNonFinite() == 0}
	for _, g := range unclipped.GradNorms {
		if !bad(g) {
			s.PeakGradNorm = math.Max(s.PeakGradNorm, g)
		}
	}
	for i, g := range clipped.GradNorms {
		s.MaxClippedNorm = math.Max(s.MaxClippedNorm, g)
		s.MaxApplied = math.Max(s.MaxApplied, clipped.Applied[i])
		if g > cfg.MaxNorm {
			s.ClippedSteps++
		}
	}
	n := min(20, len(clipped.Losses))
	s.FirstLoss, s.LastLoss = mean(clipped.Losses[:n]), mean(clipped.Losses[len(clipped.Losses)-n:])
	return unclipped, clipped, s, nil
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
