package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/nndl-hw9/rnngo/internal/notebook02"
	"github.com/nndl-hw9/rnngo/internal/notebook03"
	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// runGoWorkload runs one workload in this process and prints "name seconds"
// lines for the orchestrator, the first of them "load": how long creating the
// backend took (for XLA: loading the PJRT plugin and creating its client).
// helloEpochs, when positive, replaces the lecture's 15 epochs (the
// orchestrator's one-epoch runs, from which it estimates compilation time).
func runGoWorkload(name string, autodiff bool, epochs, helloEpochs int) error {
	start := time.Now()
	if _, err := backend.Get(); err != nil {
		return err
	}
	fmt.Printf("load %.6f\n", time.Since(start).Seconds())
	switch name {
	case "hello":
		return helloWorkload(autodiff, helloEpochs)
	case "mathor":
		return mathorWorkload(autodiff, epochs)
	case "charrnn", "charlstm", "chargru":
		return charRNNWorkload(name, autodiff)
	}
	return fmt.Errorf("unknown Go workload %q", name)
}

// helloWorkload times the 15-epoch training of the lecture's three models as
// notebook 02 writes them (graph compilation included, as a notebook cell
// pays it), or of epochs epochs where positive.
func helloWorkload(autodiff bool, epochs int) error {
	if epochs <= 0 {
		epochs = 15
	}
	for v := 1; v <= 3; v++ {
		start := time.Now()
		notebook02.TrainLecture(v, autodiff, epochs)
		fmt.Printf("variant%d %.6f\n", v, time.Since(start).Seconds())
	}
	return nil
}

// mathorWorkload times mathor's training loop as notebook 03 writes it
// (compilation included).
func mathorWorkload(autodiff bool, epochs int) error {
	d, err := notebook03.TrainMathor(epochs, autodiff)
	if err != nil {
		return err
	}
	fmt.Printf("mathor %.6f\n", d.Seconds())
	return nil
}

// charRNNWorkload times one training step of Embedding(64, 32) → RNN(32, 128,
// batch_first) → Linear(128, 64) on a batch of 32 sequences of 32 characters:
// the median of 30 steps after 5 warm-up steps (which compile the graph),
// and the first step (graph compilation included) as "<name>.first".
// name "charlstm" / "chargru" puts an LSTM / GRU of the same sizes in the
// RNN's place (tools/pytorch/charrnn_step.py --cell lstm|gru is the PyTorch side).
func charRNNWorkload(name string, autodiff bool) error {
	const batch, steps, emb, hidden, vocab = 32, 32, 32, 128, 64
	b, err := backend.Get()
	if err != nil {
		return err
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	ctx.SetParam(rnn.ParamCustomGradient, !autodiff)
	model := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		e := rnn.Must(rnn.NewEmbedding(ctx.In("emb"), vocab, emb).Done())
		x := e.Forward(inputs[0])
		var out *graph.Node
		switch name {
		case "charlstm":
			out, _, _ = rnn.Must(rnn.NewLSTM(ctx.In("rnn"), emb, hidden).BatchFirst(true).Done()).Forward(x, nil, nil)
		case "chargru":
			out, _ = rnn.Must(rnn.NewGRU(ctx.In("rnn"), emb, hidden).BatchFirst(true).Done()).Forward(x, nil)
		default:
			out, _ = rnn.Must(rnn.New(ctx.In("rnn"), emb, hidden).BatchFirst(true).Done()).Forward(x, nil)
		}
		fc := rnn.Must(rnn.NewLinear(ctx.In("fc"), hidden, vocab).Done())
		return []*graph.Node{graph.Reshape(fc.Forward(out), batch*steps, vocab)}
	}
	loss := func(labels, logits []*graph.Node) *graph.Node {
		return seq2seq.CrossEntropy(logits[0], labels[0], seq2seq.ReduceMean)
	}
	trainer := train.NewTrainer(b, ctx, model, loss, seq2seq.Adam(1e-3), nil, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]int32, batch*steps)
	y := make([]int32, batch*steps)
	for i := range x {
		x[i], y[i] = int32(rng.IntN(vocab)), int32(rng.IntN(vocab))
	}
	xt := tensors.FromFlatDataAndDimensions(x, batch, steps)
	yt := tensors.FromFlatDataAndDimensions(y, batch*steps, 1)
	var times []float64
	for i := range 35 {
		start := time.Now()
		if _, err := trainer.TrainStep(nil, []*tensors.Tensor{xt}, []*tensors.Tensor{yt}); err != nil {
			return err
		}
		if i == 0 {
			fmt.Printf("%s.first %.6f\n", name, time.Since(start).Seconds())
		}
		if i >= 5 {
			times = append(times, time.Since(start).Seconds())
		}
	}
	sort.Float64s(times)
	fmt.Printf("%s %.6f\n", name, times[len(times)/2])
	return nil
}
