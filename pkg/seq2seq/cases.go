package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// The homework's two cases, defined once for the notebooks, the tests and
// the benchmarks.

// LectureVariant is one of the three ways lecture 12 of Liu Er's course
// solves "hello" → "ohlol": a model and how it is trained.
type LectureVariant struct {
	Model  CharModel
	Config TrainConfig
}

// Lecture12 returns the lecture's three variants, each trained for 15 epochs
// with Adam from seed 0 (GoMLX's context.ParamInitialSeed):
//
//  1. RNNCell(4, 4) stepped by hand, the hidden state as logits, the 5 steps'
//     cross-entropies summed, lr 0.1;
//  2. RNN(4, 4), mean cross-entropy, lr 0.05;
//  3. Embedding(4, 10) → RNN(10, 8, num_layers=2, batch_first) → Linear(8, 4),
//     mean cross-entropy, lr 0.05.
func Lecture12() []LectureVariant {
	return []LectureVariant{
		{CellModel{InputSize: 4, HiddenSize: 4}, TrainConfig{Epochs: 15, LearningRate: 0.1, SumOverSteps: true}},
		{RNNModel{InputSize: 4, HiddenSize: 4, NumLayers: 1}, TrainConfig{Epochs: 15, LearningRate: 0.05}},
		{EmbeddingModel{InputSize: 4, EmbeddingSize: 10, HiddenSize: 8, NumLayers: 2, NumClass: 4}, TrainConfig{Epochs: 15, LearningRate: 0.05}},
	}
}

// Lecture12PyTorchReached counts, for each of Lecture12's variants, the runs
// among torch.manual_seed(0…29) that predict "ohlol" at epoch 15 in real
// PyTorch 1.13.1 (tools/pytorch/hello_ohlol.py --seeds 30; the reference's
// liuer-hello-ohlol-outputs.txt).
var Lecture12PyTorchReached = [3]int{20, 19, 30}

// Reached trains every variant from each of seeds 0…seeds-1 on input →
// target and counts, per variant, the runs whose last epoch predicts target.
// The seed initialises GoMLX's random weights; if start is not nil, it
// returns the initial state dict of variant v (0-based) for a seed instead.
func Reached(variants []LectureVariant, vocab *Vocab, input, target string, seeds int,
	start func(seed, v int) map[string]*tensors.Tensor) ([]int, error) {
	counts := make([]int, len(variants))
	for seed := range seeds {
		for v, lv := range variants {
			cfg := lv.Config
			cfg.Seed = int64(seed)
			if start != nil {
				cfg.InitialState = start(seed, v)
			}
			res, err := Train(lv.Model, vocab, input, target, cfg, nil)
			if err != nil {
				return nil, fmt.Errorf("seq2seq.Reached: variant %d, seed %d: %w", v+1, seed, err)
			}
			if res.Last.Predicted == target {
				counts[v]++
			}
		}
	}
	return counts, nil
}

// WithPlainAutodiff returns the model with PlainAutodiff set (GoMLX's
// differentiation instead of pkg/rnn's hand-derived gradients).
func WithPlainAutodiff(m CharModel) CharModel {
	switch v := m.(type) {
	case CellModel:
		v.PlainAutodiff = true
		return v
	case RNNModel:
		v.PlainAutodiff = true
		return v
	case EmbeddingModel:
		v.PlainAutodiff = true
		return v
	}
	return m
}

// String describes the training as the lecture's code sets it up.
func (c TrainConfig) String() string {
	loss := "mean cross-entropy"
	if c.SumOverSteps {
		loss = "cross-entropy summed over the steps"
	}
	start := fmt.Sprintf("seed %d", c.Seed)
	if c.InitialState != nil {
		start = "given initial weights"
	}
	return fmt.Sprintf("Adam(lr=%g, eps=1e-8), %d epochs, %s, %s", c.LearningRate, c.Epochs, loss, start)
}

// mathor's encoder–decoder sizes: words of at most MathorNStep characters,
// hidden size MathorHidden.
const (
	MathorNStep  = 5
	MathorHidden = 128
)

// NewMathor returns mathor's encoder–decoder: the MathorChars vocabulary,
// n_step MathorNStep, hidden size MathorHidden.
func NewMathor() (*EncoderDecoder, error) {
	vocab, err := NewVocab(MathorChars)
	if err != nil {
		return nil, err
	}
	return NewEncoderDecoder(vocab, MathorNStep, MathorHidden)
}

// MathorTraining returns mathor's training settings: 5000 epochs of batches
// of 3 shuffled pairs, Adam lr 1e-3, seed 0, the cost logged every 1000
// epochs (set Log to receive it).
func MathorTraining() EDTrainConfig {
	return EDTrainConfig{Epochs: 5000, BatchSize: 3, LearningRate: 1e-3, Shuffle: true, LogEvery: 1000}
}

// String describes the training as mathor's code sets it up.
func (c EDTrainConfig) String() string {
	order := "pairs in order"
	switch {
	case c.Orders != nil:
		order = "given batch orders"
	case c.Shuffle:
		order = "shuffled"
	}
	parts := []string{fmt.Sprintf("Adam(lr=%g, eps=1e-8)", c.LearningRate), fmt.Sprintf("%d epochs", c.Epochs),
		fmt.Sprintf("batch %d (%s)", c.BatchSize, order)}
	if c.InitialState != nil {
		parts = append(parts, "given initial weights")
	} else {
		parts = append(parts, fmt.Sprintf("seed %d", c.Seed))
	}
	return strings.Join(parts, ", ")
}
