package rnn_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// The seed's part (3): an RNNCell with every weight 1 and every bias 0,
// stepped by hand over the three inputs.
func ExampleCell() {
	ctx := context.New()
	cell, err := rnn.NewCell(ctx.In("cell"), 2, 2).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range cell.NamedParameters() { // like cell.named_parameters()
		if strings.HasPrefix(p.Name, "weight") {
			err = p.Ones()
		} else {
			err = p.Zeros()
		}
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	step, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x, h *graph.Node) *graph.Node {
		return cell.Forward(x, h)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	hidden := tensors.FromValue([][]float32{{0, 0}}) // [batch=1, hidden=2]
	for _, input := range [][][]float32{{{1, 1}}, {{1, 1}}, {{2, 2}}} {
		out, err := step.Exec(tensors.FromValue(input), hidden)
		if err != nil {
			fmt.Println(err)
			return
		}
		hidden = out[0]
		fmt.Printf("hidden: %.4f\n", hidden.Value())
	}
	// Output:
	// hidden: [[0.9640 0.9640]]
	// hidden: [[0.9992 0.9992]]
	// hidden: [[1.0000 1.0000]]
}

// The seed's part (4): nn.RNN over the whole sequence in one call.
func ExampleRNN() {
	ctx := context.New()
	m, err := rnn.New(ctx.In("rnn"), 2, 2).Done() // input_size=2, hidden_size=2, num_layers=1
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.NamedParameters() {
		fmt.Println(p.Name, p.Shape().Dimensions)
		if strings.HasPrefix(p.Name, "weight") {
			_ = p.Ones()
		} else {
			_ = p.Zeros()
		}
	}
	run, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x *graph.Node) (out, hN *graph.Node) {
		return m.Forward(x, nil) // x [seq_len=3, batch=1, input_size=2]; h0 nil = zeros
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := run.Exec([][][]float32{{{1, 1}}, {{1, 1}}, {{2, 2}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("out %v: %.4f\n", res[0].Shape().Dimensions, res[0].Value())
	fmt.Printf("h_n %v: %.4f\n", res[1].Shape().Dimensions, res[1].Value())
	// Output:
	// weight_ih_l0 [2 2]
	// weight_hh_l0 [2 2]
	// bias_ih_l0 [2]
	// bias_hh_l0 [2]
	// out [3 1 2]: [[[0.9640 0.9640]] [[0.9992 0.9992]] [[1.0000 1.0000]]]
	// h_n [1 1 2]: [[[1.0000 1.0000]]]
}

// Loading weights that PyTorch saved with
// numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()}).
func ExampleLoadStateDict() {
	// A state dict as PyTorch names it, for a model with an "rnn" and an "fc" submodule.
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.npz")
	src := context.New()
	_, _ = rnn.New(src.In("rnn"), 4, 3).Done()
	_, _ = rnn.NewLinear(src.In("fc"), 3, 4).Done()
	_ = src.InitializeVariables(backend.MustGet(), nil)
	if err := rnn.SaveStateDict(src, path); err != nil {
		fmt.Println(err)
		return
	}

	// Build the same layers, then load: strict, by name.
	ctx := context.New()
	_, _ = rnn.New(ctx.In("rnn"), 4, 3).Done()
	_, _ = rnn.NewLinear(ctx.In("fc"), 3, 4).Done()
	fmt.Println("load:", rnn.LoadStateDict(ctx, path))

	// A model with a different layer size is refused, naming the entries.
	other := context.New()
	_, _ = rnn.New(other.In("rnn"), 4, 5).Done()
	_, _ = rnn.NewLinear(other.In("fc"), 5, 4).Done()
	err := rnn.LoadStateDict(other, path)
	fmt.Println(strings.Contains(err.Error(), "size mismatch for fc.weight: shape mismatch: expected [4 5], got [4 3]"))
	// Output:
	// load: <nil>
	// true
}

// nn.LSTM over the seed's three inputs, with every weight 0.5 and every bias
// 0; (h0, c0) nil for zeros. It returns the output, h_n and c_n: the numbers
// PyTorch prints for the same module.
func ExampleNewLSTM() {
	ctx := context.New()
	m, err := rnn.NewLSTM(ctx.In("lstm"), 2, 2).Done() // input_size=2, hidden_size=2, num_layers=1
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.NamedParameters() { // gates stacked i, f, g, o: 4·hidden rows
		fmt.Println(p.Name, p.Shape().Dimensions)
		if strings.HasPrefix(p.Name, "weight") {
			err = p.Constant(0.5)
		} else {
			err = p.Zeros()
		}
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	run, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x *graph.Node) (out, hN, cN *graph.Node) {
		return m.Forward(x, nil, nil) // x [seq_len=3, batch=1, input_size=2]
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := run.Exec([][][]float32{{{1, 1}}, {{1, 1}}, {{2, 2}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("out %v: %.4f\n", res[0].Shape().Dimensions, res[0].Value())
	fmt.Printf("h_n %v: %.4f\n", res[1].Shape().Dimensions, res[1].Value())
	fmt.Printf("c_n %v: %.4f\n", res[2].Shape().Dimensions, res[2].Value())
	// Output:
	// weight_ih_l0 [8 2]
	// weight_hh_l0 [8 2]
	// bias_ih_l0 [8]
	// bias_hh_l0 [8]
	// out [3 1 2]: [[[0.3696 0.3696]] [[0.6505 0.6505]] [[0.9000 0.9000]]]
	// h_n [1 1 2]: [[[0.9000 0.9000]]]
	// c_n [1 1 2]: [[[1.9937 1.9937]]]
}

// nn.GRU with batch_first over the same inputs as one sequence of a batch of
// one, every weight 0.5 and every bias 0, from a given initial state: the
// numbers PyTorch prints for the same module.
func ExampleNewGRU() {
	ctx := context.New()
	m, err := rnn.NewGRU(ctx.In("gru"), 2, 2).BatchFirst(true).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range m.NamedParameters() { // gates stacked r, z, n: 3·hidden rows
		fmt.Println(p.Name, p.Shape().Dimensions)
		if strings.HasPrefix(p.Name, "weight") {
			err = p.Constant(0.5)
		} else {
			err = p.Zeros()
		}
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	run, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x, h0 *graph.Node) (out, hN *graph.Node) {
		return m.Forward(x, h0) // x [batch=1, seq_len=3, input_size=2], h0 [num_layers=1, batch=1, hidden=2]
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := run.Exec([][][]float32{{{1, 1}, {1, 1}, {2, 2}}}, [][][]float32{{{0.5, -0.5}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("out %v: %.4f\n", res[0].Shape().Dimensions, res[0].Value())
	fmt.Printf("h_n %v: %.4f\n", res[1].Shape().Dimensions, res[1].Value())
	// Output:
	// weight_ih_l0 [6 2]
	// weight_hh_l0 [6 2]
	// bias_ih_l0 [6]
	// bias_hh_l0 [6]
	// out [1 3 2]: [[[0.5704 -0.1607] [0.6280 0.0655] [0.6588 0.1454]]]
	// h_n [1 1 2]: [[[0.6588 0.1454]]]
}
