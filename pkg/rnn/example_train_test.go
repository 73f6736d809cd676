package rnn_test

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// A character-level LSTM language model, trained with GoMLX's train.Trainer
// and sampled one character at a time: the README's "Use it as a Go
// library" program.
func Example_training() {
	text := "hello world, hello go. "
	vocab := rnn.Must(seq2seq.VocabOf(text))
	ids := rnn.Must(vocab.Encode(text + text))
	// One LSTM step over ids [L] (or one id [1]) with state h, c (nil: zeros) → logits [L, V].
	lm := func(ctx *context.Context, ids, h, c *graph.Node) (logits, hN, cN *graph.Node) {
		emb := rnn.Must(rnn.NewEmbedding(ctx.In("emb"), vocab.Size(), 16).Done())
		lstm := rnn.Must(rnn.NewLSTM(ctx.In("lstm"), 16, 32).Done())
		out, hN, cN := lstm.Forward(emb.Forward(ids), h, c)
		return rnn.Must(rnn.NewLinear(ctx.In("fc"), 32, vocab.Size()).Done()).Forward(out), hN, cN
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	model := func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		logits, _, _ := lm(ctx, in[0], nil, nil)
		return []*graph.Node{logits}
	}
	loss := func(labels, logits []*graph.Node) *graph.Node { // (labels, predictions): PyTorch's order reversed
		return seq2seq.CrossEntropy(logits[0], labels[0], seq2seq.ReduceMean)
	}
	trainer := train.NewTrainer(backend.MustGet(), ctx, model, loss, seq2seq.Adam(0.01), nil, nil)
	x, y := tensors.FromValue(ids[:len(ids)-1]), tensors.FromValue(ids[1:])
	for step := 1; step <= 60; step++ {
		metrics := rnn.Must(trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y}))
		switch loss := metrics[0].Value().(float32); step {
		case 1, 30:
			fmt.Printf("step %d: loss %.1f\n", step, loss)
		case 60:
			fmt.Printf("step %d: loss below 0.1: %v\n", step, loss < 0.1)
		}
	}
	// Sampling, one character at a time; Exec arguments cannot be nil, so the state starts at ZeroState.
	next := rnn.Must(context.NewExec(backend.MustGet(), ctx.Reuse(), func(ctx *context.Context, id, h, c *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		logits, h, c := lm(ctx, id, h, c)
		return graph.ArgMax(logits, -1), h, c
	}))
	h, c := rnn.Must(rnn.NewLSTM(ctx.Reuse().In("lstm"), 16, 32).Done()).ZeroState(0)
	id, s := tensors.FromValue([]int32{int32(ids[0])}), text[:1]
	for range 22 {
		out := rnn.Must(next.Exec(id, h, c))
		id, h, c = out[0], out[1], out[2]
		s += string(rnn.Must(vocab.Char(int(out[0].Value().([]int32)[0]))))
	}
	fmt.Printf("%q\n", s)
	// Output:
	// step 1: loss 2.4
	// step 30: loss 0.2
	// step 60: loss below 0.1: true
	// "hello world, hello go. "
}
