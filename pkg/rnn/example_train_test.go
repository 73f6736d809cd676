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
	ids := rnn.Must(vocab.Encode(text + text)) // a long enough stream to predict
	n, hidden := vocab.Size(), 32
	layers := func(ctx *context.Context) (*rnn.Embedding, *rnn.LSTM, *rnn.Linear) {
		return rnn.Must(rnn.NewEmbedding(ctx.In("emb"), n, 16).Done()),
			rnn.Must(rnn.NewLSTM(ctx.In("lstm"), 16, hidden).Done()),
			rnn.Must(rnn.NewLinear(ctx.In("fc"), hidden, n).Done())
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	// model: inputs [L] token ids → logits [L, n]; the loss takes (labels, logits), in that order.
	model := func(ctx *context.Context, _ any, in []*graph.Node) []*graph.Node {
		emb, lstm, fc := layers(ctx)
		out, _, _ := lstm.Forward(emb.Forward(in[0]), nil, nil) // unbatched: [L, 16] → [L, H]
		return []*graph.Node{fc.Forward(out)}
	}
	loss := func(labels, logits []*graph.Node) *graph.Node {
		return seq2seq.CrossEntropy(logits[0], labels[0], seq2seq.ReduceMean) // nn.CrossEntropyLoss()
	}
	trainer := train.NewTrainer(backend.MustGet(), ctx, model, loss, seq2seq.Adam(0.01), nil, nil)
	x := tensors.FromValue(int32s(ids[:len(ids)-1]))
	y := tensors.FromValue(int32s(ids[1:]))
	for step := 1; step <= 60; step++ {
		metrics := rnn.Must(trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y}))
		if step == 1 || step%30 == 0 {
			fmt.Printf("step %d: loss %.1f\n", step, metrics[0].Value())
		}
	}
	// Sampling: one step at a time, the state fed back; ZeroState starts it.
	step := rnn.Must(context.NewExec(backend.MustGet(), ctx.Reuse(), func(ctx *context.Context, id, h, c *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		emb, lstm, fc := layers(ctx)
		out, h, c := lstm.Forward(emb.Forward(id), h, c) // [1, 16] → [1, H]
		return graph.ArgMax(fc.Forward(out), -1), h, c
	}))
	_, lstm, _ := layers(ctx.Reuse())
	h, c := lstm.ZeroState(0)
	id, s := ids[0], string(text[0])
	for range 22 {
		out := rnn.Must(step.Exec(tensors.FromValue([]int32{int32(id)}), h, c))
		id, h, c = int(tensors.MustCopyFlatData[int32](out[0])[0]), out[1], out[2]
		s += string(rnn.Must(vocab.Char(id)))
	}
	fmt.Printf("%q\n", s)
	// Output:
	// step 1: loss 2.4
	// step 30: loss 0.2
	// step 60: loss 0.1
	// "hello world, hello go. "
}

func int32s(ids []int) []int32 {
	out := make([]int32, len(ids))
	for i, v := range ids {
		out[i] = int32(v)
	}
	return out
}
