package rnn_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// TestEmbeddingOutOfRange: PyTorch raises on an index outside
// [0, num_embeddings); in a GoMLX graph Gather clamps it to a valid row
// (shown below), so the host-side check must catch it, saying what and where.
func TestEmbeddingOutOfRange(t *testing.T) {
	ctx := context.New()
	emb := rnn.Must(rnn.NewEmbedding(ctx.In("emb"), 3, 2).Done())
	for _, bad := range []int32{3, 100, -1} {
		idx := tensors.FromValue([][]int32{{0, 1}, {2, bad}})
		err := emb.Check(idx)
		if err == nil {
			t.Errorf("Embedding(3, 2).Check accepted index %d", bad)
			continue
		}
		for _, want := range []string{"token index", "position [1 1]", "0 ≤ index < 3"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("index %d: error %q lacks %q", bad, err, want)
			}
		}
	}
	if err := emb.Check(tensors.FromValue([]int32{0, 1, 2})); err != nil {
		t.Errorf("valid indices rejected: %v", err)
	}
	if err := rnn.CheckIndices(tensors.FromValue([]float32{0}), 3, "label"); err == nil || !strings.Contains(err.Error(), "integer") {
		t.Errorf("a float tensor of indices: want an error asking for integers, got %v", err)
	}
	if err := rnn.CheckIndices(tensors.FromValue([]int64{2, 5}), 3, "label"); err == nil || !strings.Contains(err.Error(), "label index 5") {
		t.Errorf("an int64 label 5 of 3 classes: got %v", err)
	}

	// Why the check is on the host: the graph looks index 100 up as row 2.
	exec := rnn.Must(context.NewExec(backend.MustGet(), ctx.Reuse(), func(ctx *context.Context, idx *graph.Node) *graph.Node {
		return rnn.Must(rnn.NewEmbedding(ctx.In("emb"), 3, 2).Done()).Forward(idx)
	}))
	out := rnn.Must(exec.Exec(tensors.FromValue([]int32{2, 100})))
	rows := out[0].Value().([][]float32)
	if rows[0][0] != rows[1][0] || rows[0][1] != rows[1][1] {
		t.Logf("GoMLX no longer clamps out-of-range indices (got %v): the doc of Embedding.Forward may be updated", rows)
	}
}

func TestZeroState(t *testing.T) {
	ctx := context.New()
	shape := func(x *tensors.Tensor) []int { return x.Shape().Dimensions }
	eq := slices.Equal[[]int]
	lstm := rnn.Must(rnn.NewLSTM(ctx.In("lstm"), 4, 8).NumLayers(2).Bidirectional(true).ProjSize(3).Done())
	h, c := lstm.ZeroState(5)
	if !eq(shape(h), []int{4, 5, 3}) || !eq(shape(c), []int{4, 5, 8}) {
		t.Errorf("LSTM(2 layers, bidirectional, proj 3).ZeroState(5): h %v c %v, want [4 5 3] [4 5 8]", shape(h), shape(c))
	}
	h, c = lstm.ZeroState(0)
	if !eq(shape(h), []int{4, 3}) || !eq(shape(c), []int{4, 8}) {
		t.Errorf("unbatched: h %v c %v, want [4 3] [4 8]", shape(h), shape(c))
	}
	if s := rnn.Must(rnn.New(ctx.In("rnn"), 4, 6).Done()).ZeroState(2); !eq(shape(s), []int{1, 2, 6}) {
		t.Errorf("RNN ZeroState(2): %v, want [1 2 6]", shape(s))
	}
	if s := rnn.Must(rnn.NewGRUCell(ctx.In("gru"), 4, 6).Done()).ZeroState(2); !eq(shape(s), []int{2, 6}) {
		t.Errorf("GRUCell ZeroState(2): %v, want [2 6]", shape(s))
	}
	for _, v := range tensors.MustCopyFlatData[float32](h) {
		if v != 0 {
			t.Fatalf("ZeroState is not zero: %v", h)
		}
	}
}
