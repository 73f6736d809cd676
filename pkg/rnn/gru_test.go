package rnn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestGRUFiniteDifferences checks the gradients of float64 GRUs (2 layers,
// bidirectional, batch first, given h0; with and without bias, which changes
// the first step from a zero state) and of a GRUCell, for the weights, x and
// h0, on both gradient paths, against central finite differences of a loss
// of out and h_n.
func TestGRUFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name         string
		bias, custom bool
		h0           bool
	}{
		{"h0/custom", true, true, true},
		{"h0/autodiff", true, false, true},
		{"zero-h0/custom", true, true, false},
		{"nobias/zero-h0/custom", false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const in, hidden, steps, batch = 3, 4, 4, 2
			ctx := context.New()
			ctx.SetParam(context.ParamInitialSeed, int64(7))
			m, err := NewGRU(ctx.In("gru"), in, hidden).NumLayers(2).Bidirectional(true).BatchFirst(true).Bias(tc.bias).
				DType(dtypes.Float64).CustomGradient(tc.custom).Done()
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			x := dataVar(ctx, rng, "x", batch, steps, in)
			vars := []*context.Variable{x}
			var h0 *context.Variable
			if tc.h0 {
				h0 = dataVar(ctx, rng, "h0", 4, batch, hidden)
				vars = append(vars, h0)
			}
			wOut, wHn := randTensor(rng, batch, steps, 2*hidden), randTensor(rng, 4, batch, hidden)
			for _, p := range m.NamedParameters() {
				vars = append(vars, p.Variable)
			}
			checkFiniteDifferences(t, ctx, vars, func(g *graph.Graph) *graph.Node {
				var h *graph.Node
				if h0 != nil {
					h = h0.ValueGraph(g)
				}
				out, hn := m.Forward(x.ValueGraph(g), h)
				return graph.Add(graph.ReduceAllSum(graph.Mul(out, graph.Const(g, wOut))),
					graph.ReduceAllSum(graph.Mul(hn, graph.Const(g, wHn))))
			})
		})
	}
	t.Run("cell", func(t *testing.T) {
		const in, hidden, batch = 3, 4, 2
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(8))
		cell, err := NewGRUCell(ctx.In("cell"), in, hidden).DType(dtypes.Float64).Done()
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 6))
		x, h := dataVar(ctx, rng, "x", batch, in), dataVar(ctx, rng, "h", batch, hidden)
		w := randTensor(rng, batch, hidden)
		vars := []*context.Variable{x, h}
		for _, p := range cell.NamedParameters() {
			vars = append(vars, p.Variable)
		}
		checkFiniteDifferences(t, ctx, vars, func(g *graph.Graph) *graph.Node {
			// Two steps, so that the gradient flows through h from one step to the next.
			h1 := cell.Forward(x.ValueGraph(g), h.ValueGraph(g))
			h2 := cell.Forward(graph.Neg(x.ValueGraph(g)), h1)
			return graph.ReduceAllSum(graph.Mul(h2, graph.Const(g, w)))
		})
	})
}
