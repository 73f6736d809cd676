package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// The homework's lecture-12 case, defined once for the notebooks, the tests
// and the benchmarks: the "hello" → "ohlol" models (mathor's data is in
// mathor.go).

// Lecture12Chars is the lecture's idx2char = ['e', 'h', 'l', 'o'].
const Lecture12Chars = "ehlo"

// LectureVariant is one of the three ways lecture 12 of Liu Er's course
// solves "hello" → "ohlol": a model and how it is trained.
type LectureVariant struct {
	Model  CharModel
	Config Config
}

// Lecture12 returns the lecture's three variants, on the vocabulary
// Lecture12Chars, each trained for 15 epochs with Adam from seed 0 (GoMLX's
// context.ParamInitialSeed):
//
//  1. RNNCell(4, 4) stepped by hand, the hidden state as logits, the 5 steps'
//     cross-entropies summed, lr 0.1;
//  2. RNN(4, 4), mean cross-entropy, lr 0.05;
//  3. Embedding(4, 10) → RNN(10, 8, num_layers=2, batch_first) → Linear(8, 4),
//     mean cross-entropy, lr 0.05.
func Lecture12() []LectureVariant {
	vocab, err := NewVocab(Lecture12Chars)
	if err != nil {
		panic(err) // a constant: cannot happen
	}
	return []LectureVariant{
		{CharModel{Vocab: vocab, Net: CellModel{InputSize: 4, HiddenSize: 4}},
			Config{Epochs: 15, LearningRate: 0.1, Reduction: ReduceSum}},
		{CharModel{Vocab: vocab, Net: RNNModel{InputSize: 4, HiddenSize: 4, NumLayers: 1}},
			Config{Epochs: 15, LearningRate: 0.05, Reduction: ReduceMean}},
		{CharModel{Vocab: vocab, Net: EmbeddingModel{InputSize: 4, EmbeddingSize: 10, HiddenSize: 8, NumLayers: 2, NumClass: 4}},
			Config{Epochs: 15, LearningRate: 0.05, Reduction: ReduceMean}},
	}
}

// Reached trains every variant on the pair from each of seeds 0…seeds-1
// and counts, per variant, the runs whose last epoch predicts the pair's
// target. The seed initialises GoMLX's random weights; if start is not nil,
// it returns the initial state dict of variant v (0-based) for a seed
// instead.
func Reached(variants []LectureVariant, pair Pair, seeds int,
	start func(seed, v int) map[string]*tensors.Tensor) ([]int, error) {
	counts := make([]int, len(variants))
	for seed := range seeds {
		for v, lv := range variants {
			cfg := lv.Config
			cfg.Seed = int64(seed)
			if start != nil {
				cfg.InitialState = start(seed, v)
			}
			res, err := Train(lv.Model, []Pair{pair}, cfg)
			if err != nil {
				return nil, fmt.Errorf("seq2seq: variant %d, seed %d: %w", v+1, seed, err)
			}
			if res.Last.Predicted == pair.Target {
				counts[v]++
			}
		}
	}
	return counts, nil
}
