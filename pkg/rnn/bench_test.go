package rnn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/nndl-hw9/rnngo/pkg/backend"
)

// BenchmarkTrainStep measures one training step (forward, gradients, Adam
// update) of RNN(32, H) + Linear(H, 64) with a cross-entropy loss over every
// step, with the custom BPTT gradients and with GoMLX's autodiff:
//
//	go test -run '^$' -bench TrainStep ./pkg/rnn/
func BenchmarkTrainStep(b *testing.B) {
	for _, size := range []struct{ batch, steps, hidden int }{{32, 32, 128}, {3, 6, 128}} {
		for _, custom := range []bool{true, false} {
			name := fmt.Sprintf("B%d_T%d_H%d/custom=%v", size.batch, size.steps, size.hidden, custom)
			b.Run(name, func(b *testing.B) {
				trainer, x, labels := benchTrainer(b, size.batch, size.steps, size.hidden, custom)
				step := func() {
					if _, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{labels}); err != nil {
						b.Fatal(err)
					}
				}
				step() // compile outside the timing
				b.ResetTimer()
				for range b.N {
					step()
				}
			})
		}
	}
}

func benchTrainer(b *testing.B, batch, steps, hidden int, custom bool) (*train.Trainer, *tensors.Tensor, *tensors.Tensor) {
	const inputSize, vocab = 32, 64
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	model := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		m, err := New(ctx.In("rnn"), inputSize, hidden).CustomGradient(custom).Done()
		if err != nil {
			panic(err)
		}
		fc, err := NewLinear(ctx.In("fc"), hidden, vocab).CustomGradient(custom).Done()
		if err != nil {
			panic(err)
		}
		out, _ := m.Forward(inputs[0], nil)
		return []*graph.Node{fc.Forward(out)}
	}
	trainer := train.NewTrainer(backend.MustGet(), ctx, model, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().LearningRate(1e-3).Epsilon(1e-8).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float32, steps*batch*inputSize)
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	ls := make([]int32, steps*batch)
	for i := range ls {
		ls[i] = int32(rng.IntN(vocab))
	}
	return trainer, tensors.FromFlatDataAndDimensions(xs, steps, batch, inputSize),
		tensors.FromFlatDataAndDimensions(ls, steps, batch, 1)
}
