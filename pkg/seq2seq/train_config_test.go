package seq2seq

import (
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// stubModel is a Model that never gets built: for what Train checks before
// it trains.
type stubModel struct{}

func (stubModel) Build(*context.Context) error { return nil }
func (stubModel) Examples([]Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	return nil, nil, nil
}
func (stubModel) Forward(*context.Context, []*graph.Node) *graph.Node { return nil }
func (stubModel) Loss(_, _ *graph.Node, _ Reduction) *graph.Node      { return nil }
func (stubModel) String() string                                      { return "stub" }

// TestTrainOrdersChecked: replayed batch orders must cover every epoch and be
// permutations of the pairs.
func TestTrainOrdersChecked(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Epochs: 2, BatchSize: 3, LearningRate: 1e-3, Orders: [][]int{{0, 1, 2, 3, 4, 5}}},
			"seq2seq: 1 epoch orders given for 2 epochs"},
		{Config{Epochs: 1, BatchSize: 3, LearningRate: 1e-3, Orders: [][]int{{0, 1, 2, 3, 4, 4}}},
			"seq2seq: the order of epoch 1, [0 1 2 3 4 4], is not a permutation of the 6 pairs"},
		{Config{Epochs: 1, BatchSize: 3, LearningRate: 1e-3, Orders: [][]int{{0, 1, 2}}},
			"seq2seq: the order of epoch 1, [0 1 2], is not a permutation of the 6 pairs"},
	} {
		if _, err := Train(stubModel{}, MathorPairs, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Train(%v): error %v, want one containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestConfigDescribed(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Epochs: 5000, BatchSize: 3, LearningRate: 1e-3, Shuffle: true},
			"Adam(lr=0.001, eps=1e-8), 5000 epochs, batch 3 (shuffled), mean cross-entropy, seed 0"},
		{Config{Epochs: 2, LearningRate: 0.5, Orders: [][]int{{0}, {0}}, Reduction: ReduceSum, InitialState: map[string]*tensors.Tensor{}, Autodiff: true},
			"Adam(lr=0.5, eps=1e-8), 2 epochs, batch 1 (given batch orders), cross-entropy summed over the batch, given initial weights, GoMLX autodiff gradients"},
	} {
		if got := tc.cfg.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
