package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
)

// mustDone returns a layer built by Done, or panics with Done's error (inside
// a graph function GoMLX returns it as the Exec's error).
func mustDone[L any](layer L, err error) L {
	if err != nil {
		panic(err)
	}
	return layer
}

// randTensor is a float64 tensor of U(-1, 1) values.
func randTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.Float64()*2 - 1
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// checkFiniteDifferences compares the gradient of the scalar loss(g) with
// respect to every variable in vars (float64) with central finite
// differences: every element of the small variables, about 24 of the larger
// ones.
func checkFiniteDifferences(t *testing.T, ctx *context.Context, vars []*context.Variable, loss func(g *graph.Graph) *graph.Node) {
	t.Helper()
	exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
		l := loss(g)
		wrt := make([]*graph.Node, len(vars))
		for i, v := range vars {
			wrt[i] = v.ValueGraph(g)
		}
		return append([]*graph.Node{l}, graph.Gradient(l, wrt...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func() []*tensors.Tensor {
		outs, err := exec.Exec()
		if err != nil {
			t.Fatal(err)
		}
		return outs
	}
	lossValue := func() float64 { return Float64s(run()[0])[0] }
	outs := run()
	const eps = 1e-6
	checked := 0
	for i, v := range vars {
		grad := Float64s(outs[1+i])
		base := Float64s(v.MustValue())
		dims := v.Shape().Dimensions
		nonZero := false
		for j := 0; j < len(base); j += 1 + len(base)/24 {
			set := func(val float64) {
				vals := slices.Clone(base)
				vals[j] = val
				v.MustSetValue(tensors.FromFlatDataAndDimensions(vals, dims...))
			}
			set(base[j] + eps)
			plus := lossValue()
			set(base[j] - eps)
			minus := lossValue()
			set(base[j])
			fd := (plus - minus) / (2 * eps)
			if d := math.Abs(fd-grad[j]) / math.Max(1, math.Abs(fd)); d > 1e-7 {
				t.Errorf("%s[%d]: gradient %.10g, finite difference %.10g", v.ScopeAndName(), j, grad[j], fd)
			}
			nonZero = nonZero || fd != 0
			checked++
		}
		if !nonZero {
			t.Errorf("%s: every checked finite difference is zero: the check sees nothing", v.ScopeAndName())
		}
	}
	t.Logf("checked %d gradient elements against central differences", checked)
}

// dataVar is a non-trainable float64 variable holding a random tensor, for
// the inputs of a finite-difference check.
func dataVar(ctx *context.Context, rng *rand.Rand, name string, dims ...int) *context.Variable {
	return ctx.In("data").VariableWithValue(name, randTensor(rng, dims...)).SetTrainable(false)
}

// TestLSTMFiniteDifferences checks the gradients of float64 LSTMs (2 layers,
// bidirectional, with and without proj_size, given h0 and c0) and of an
// LSTMCell, for the weights, x, h0 and c0, on both gradient paths, against
// central finite differences of a loss of out, h_n and c_n.
func TestLSTMFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name   string
		proj   int
		custom bool
	}{
		{"proj/custom", 3, true},
		{"proj/autodiff", 3, false},
		{"noproj/custom", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const in, hidden, steps, batch = 3, 5, 4, 2
			out := hidden
			if tc.proj > 0 {
				out = tc.proj
			}
			ctx := context.New()
			ctx.SetParam(context.ParamInitialSeed, int64(7))
			m, err := NewLSTM(ctx.In("lstm"), in, hidden).NumLayers(2).Bidirectional(true).ProjSize(tc.proj).
				DType(dtypes.Float64).CustomGradient(tc.custom).Done()
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 4))
			x, h0, c0 := dataVar(ctx, rng, "x", steps, batch, in), dataVar(ctx, rng, "h0", 4, batch, out), dataVar(ctx, rng, "c0", 4, batch, hidden)
			wOut, wHn, wCn := randTensor(rng, steps, batch, 2*out), randTensor(rng, 4, batch, out), randTensor(rng, 4, batch, hidden)
			vars := []*context.Variable{x, h0, c0}
			for _, p := range m.NamedParameters() {
				vars = append(vars, p.Variable)
			}
			checkFiniteDifferences(t, ctx, vars, func(g *graph.Graph) *graph.Node {
				o, hn, cn := m.Forward(x.ValueGraph(g), h0.ValueGraph(g), c0.ValueGraph(g))
				return graph.Add(graph.Add(graph.ReduceAllSum(graph.Mul(o, graph.Const(g, wOut))),
					graph.ReduceAllSum(graph.Mul(hn, graph.Const(g, wHn)))),
					graph.ReduceAllSum(graph.Mul(cn, graph.Const(g, wCn))))
			})
		})
	}
	t.Run("cell", func(t *testing.T) {
		const in, hidden, batch = 3, 4, 2
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(8))
		cell, err := NewLSTMCell(ctx.In("cell"), in, hidden).DType(dtypes.Float64).Done()
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 6))
		x, h, c := dataVar(ctx, rng, "x", batch, in), dataVar(ctx, rng, "h", batch, hidden), dataVar(ctx, rng, "c", batch, hidden)
		wH, wC := randTensor(rng, batch, hidden), randTensor(rng, batch, hidden)
		vars := []*context.Variable{x, h, c}
		for _, p := range cell.NamedParameters() {
			vars = append(vars, p.Variable)
		}
		checkFiniteDifferences(t, ctx, vars, func(g *graph.Graph) *graph.Node {
			// Two steps, so that the gradient flows through h and c from one step to the next.
			h1, c1 := cell.Forward(x.ValueGraph(g), h.ValueGraph(g), c.ValueGraph(g))
			h2, c2 := cell.Forward(graph.Neg(x.ValueGraph(g)), h1, c1)
			return graph.Add(graph.ReduceAllSum(graph.Mul(h2, graph.Const(g, wH))), graph.ReduceAllSum(graph.Mul(c2, graph.Const(g, wC))))
		})
	})
}

// TestLoadPyTorchStateDict loads a state_dict that real PyTorch saved from a
// model with nn.LSTM (2 layers, bidirectional, proj_size, batch_first),
// nn.GRU (no bias) and nn.Linear submodules, as is, and computes what
// PyTorch computed with it; saving gives back PyTorch's keys and values, and
// a model of another shape is refused naming the entries.
func TestLoadPyTorchStateDict(t *testing.T) {
	path := filepath.Join(fixturesDir, "statedict_lstm_gru.npz")
	build := func(proj int) (*context.Context, *LSTM, *GRU, *Linear) {
		ctx := context.New()
		lstm, err := NewLSTM(ctx.In("lstm"), 3, 5).NumLayers(2).Bidirectional(true).ProjSize(proj).BatchFirst(true).Done()
		if err != nil {
			t.Fatal(err)
		}
		gru, err := NewGRU(ctx.In("gru"), 2*lstm.outSize(), 3).Bias(false).Done()
		if err != nil {
			t.Fatal(err)
		}
		fc, err := NewLinear(ctx.In("fc"), 3, 2).Done()
		if err != nil {
			t.Fatal(err)
		}
		return ctx, lstm, gru, fc
	}
	ctx, lstm, gru, fc := build(2)
	if err := LoadStateDict(ctx, path); err != nil {
		t.Fatal(err)
	}
	io := loadNpz(t, filepath.Join(fixturesDir, "statedict_lstm_gru_io.npz"))
	outs := mustExecWith(t, ctx, func(ctx *context.Context, x *graph.Node) []*graph.Node {
		out, hn, cn := lstm.Forward(x, nil, nil)
		out2, ghn := gru.Forward(graph.Transpose(out, 0, 1), nil)
		return []*graph.Node{fc.Forward(out2), hn, cn, ghn}
	}, io["x"])
	for i, k := range []string{"y", "lstm_h_n", "lstm_c_n", "gru_h_n"} {
		if !slices.Equal(outs[i].Shape().Dimensions, io[k].Shape().Dimensions) {
			t.Errorf("%s: shape %v, PyTorch has %v", k, outs[i].Shape().Dimensions, io[k].Shape().Dimensions)
		} else if d := maxRelDiff(Float64s(outs[i]), Float64s(io[k])); d > 1e-5 {
			t.Errorf("%s differs from PyTorch by %.3g", k, d)
		}
	}

	// Saved back: PyTorch's keys, and its values.
	sd, err := StateDict(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := loadNpz(t, path)
	var gotKeys, wantKeys []string
	for k := range sd {
		gotKeys = append(gotKeys, k)
	}
	for k, v := range want {
		wantKeys = append(wantKeys, k)
		if got, ok := sd[k]; ok && maxRelDiff(Float64s(got), Float64s(v)) != 0 {
			t.Errorf("%s changed after loading", k)
		}
	}
	sort.Strings(gotKeys)
	sort.Strings(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("state dict keys %v, PyTorch's are %v", gotKeys, wantKeys)
	}

	// Strict: without the projection, weight_hr is unexpected and the shapes differ.
	other, _, _, _ := build(0)
	err = LoadStateDict(other, path)
	for _, w := range []string{"unexpected keys: lstm.weight_hr_l0, lstm.weight_hr_l0_reverse",
		"size mismatch for ", "lstm.weight_hh_l0: shape mismatch: expected [20 5], got [20 2]"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("loading into a model without proj_size: error %v should contain %q", err, w)
		}
	}
}

// TestGatedParameters: PyTorch's default initialisation U(-1/√H, 1/√H) for
// every parameter, names and shapes, and the ParamCustomGradient default.
func TestGatedParameters(t *testing.T) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	const hidden = 16
	lstm, err := NewLSTM(ctx.In("lstm"), 3, hidden).NumLayers(2).ProjSize(4).Done()
	if err != nil {
		t.Fatal(err)
	}
	gru, err := NewGRU(ctx.In("gru"), 3, hidden).Bidirectional(true).Done()
	if err != nil {
		t.Fatal(err)
	}
	lcell, err := NewLSTMCell(ctx.In("lcell"), 3, hidden).Done()
	if err != nil {
		t.Fatal(err)
	}
	gcell, err := NewGRUCell(ctx.In("gcell"), 3, hidden).Bias(false).Done()
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.InitializeVariables(backend.MustGet(), nil); err != nil {
		t.Fatal(err)
	}
	bound := 1 / math.Sqrt(hidden)
	describe := func(ps []Parameter) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Name+fmt.Sprint(p.Shape().Dimensions))
			vals, _, err := p.Value()
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := slices.Min(vals), slices.Max(vals)
			if lo < -bound || hi > bound || hi-lo < bound {
				t.Errorf("%s: default init spans [%g, %g], want U(-%g, %g)", p.Name, lo, hi, bound, bound)
			}
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct{ got, want string }{
		{describe(lstm.NamedParameters()), "weight_ih_l0[64 3] weight_hh_l0[64 4] bias_ih_l0[64] bias_hh_l0[64] weight_hr_l0[4 16] " +
			"weight_ih_l1[64 4] weight_hh_l1[64 4] bias_ih_l1[64] bias_hh_l1[64] weight_hr_l1[4 16]"},
		{describe(gru.NamedParameters()), "weight_ih_l0[48 3] weight_hh_l0[48 16] bias_ih_l0[48] bias_hh_l0[48] " +
			"weight_ih_l0_reverse[48 3] weight_hh_l0_reverse[48 16] bias_ih_l0_reverse[48] bias_hh_l0_reverse[48]"},
		{describe(lcell.NamedParameters()), "weight_ih[64 3] weight_hh[64 16] bias_ih[64] bias_hh[64]"},
		{describe(gcell.NamedParameters()), "weight_ih[48 3] weight_hh[48 16]"},
	} {
		if tc.got != tc.want {
			t.Errorf("named parameters\n  got  %s\n  want %s", tc.got, tc.want)
		}
	}

	ctx.SetParam(ParamCustomGradient, false)
	if NewLSTM(ctx, 1, 1).customGradient || NewGRU(ctx, 1, 1).customGradient ||
		NewLSTMCell(ctx, 1, 1).customGradient || NewGRUCell(ctx, 1, 1).customGradient {
		t.Error("ParamCustomGradient=false in the context: a gated layer still defaults to custom gradients")
	}
	if !NewLSTM(ctx, 1, 1).CustomGradient(true).customGradient {
		t.Error("CustomGradient(true) does not override the context's ParamCustomGradient")
	}
}

// TestGatedDropout: dropout changes nothing in inference, and while training
// it changes the output only with 2+ layers.
func TestGatedDropout(t *testing.T) {
	run := func(kind string, numLayers int, dropout float64, training bool) []float64 {
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(5))
		var forward func(x *graph.Node) *graph.Node
		if kind == "lstm" {
			m, err := NewLSTM(ctx.In("m"), 4, 16).NumLayers(numLayers).Dropout(dropout).Done()
			if err != nil {
				t.Fatal(err)
			}
			forward = func(x *graph.Node) *graph.Node { out, _, _ := m.Forward(x, nil, nil); return out }
		} else {
			m, err := NewGRU(ctx.In("m"), 4, 16).NumLayers(numLayers).Dropout(dropout).Done()
			if err != nil {
				t.Fatal(err)
			}
			forward = func(x *graph.Node) *graph.Node { out, _ := m.Forward(x, nil); return out }
		}
		outs := mustExec(t, ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
			ctx.SetTraining(g, training)
			return []*graph.Node{forward(graph.Ones(g, shapeF32(2, 4, 4)))}
		})
		return Float64s(outs[0])
	}
	for _, kind := range []string{"lstm", "gru"} {
		if d := maxRelDiff(run(kind, 2, 0.5, false), run(kind, 2, 0, false)); d != 0 {
			t.Errorf("%s: dropout changed the output in inference mode by %g", kind, d)
		}
		if d := maxRelDiff(run(kind, 1, 0.5, true), run(kind, 1, 0, true)); d != 0 {
			t.Errorf("%s: dropout changed a 1-layer output (no layer in between) by %g", kind, d)
		}
		if d := maxRelDiff(run(kind, 2, 0.5, true), run(kind, 2, 0, true)); d == 0 {
			t.Errorf("%s: dropout 0.5 while training left a 2-layer output unchanged", kind)
		}
	}
}

// TestGatedBadInput lists the configurations and inputs of LSTMCell, LSTM,
// GRUCell and GRU that must fail with an error naming what was expected and
// what was got.
func TestGatedBadInput(t *testing.T) {
	done := func(_ any, err error) error { return err }
	buildErrs := []struct {
		name  string
		build func(ctx *context.Context) error
		want  string
	}{
		{"lstm nil ctx", func(*context.Context) error { return done(NewLSTM(nil, 2, 2).Done()) }, "rnn.NewLSTM: ctx is nil"},
		{"gru nil ctx", func(*context.Context) error { return done(NewGRU(nil, 2, 2).Done()) }, "rnn.NewGRU: ctx is nil"},
		{"lstm zero input size", func(ctx *context.Context) error { return done(NewLSTM(ctx, 0, 2).Done()) },
			"rnn.NewLSTM: input_size must be positive, got 0"},
		{"gru negative hidden size", func(ctx *context.Context) error { return done(NewGRU(ctx, 2, -1).Done()) },
			"rnn.NewGRU: hidden_size must be positive, got -1"},
		{"lstm cell zero hidden size", func(ctx *context.Context) error { return done(NewLSTMCell(ctx, 2, 0).Done()) },
			"rnn.NewLSTMCell: hidden_size must be positive, got 0"},
		{"gru cell zero input size", func(ctx *context.Context) error { return done(NewGRUCell(ctx, 0, 2).Done()) },
			"rnn.NewGRUCell: input_size must be positive, got 0"},
		{"lstm zero layers", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 2).NumLayers(0).Done()) },
			"rnn.NewLSTM: num_layers must be positive, got 0"},
		{"gru negative layers", func(ctx *context.Context) error { return done(NewGRU(ctx, 2, 2).NumLayers(-1).Done()) },
			"rnn.NewGRU: num_layers must be positive, got -1"},
		{"lstm dropout 1", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 2).Dropout(1).Done()) },
			"rnn.NewLSTM: dropout should be a number in range [0, 1) representing the probability of an element being zeroed, got 1"},
		{"gru dropout negative", func(ctx *context.Context) error { return done(NewGRU(ctx, 2, 2).Dropout(-0.1).Done()) },
			"dropout should be a number in range [0, 1)"},
		{"gru dropout NaN", func(ctx *context.Context) error { return done(NewGRU(ctx, 2, 2).Dropout(math.NaN()).Done()) },
			"got NaN"},
		{"proj_size = hidden_size", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 4).ProjSize(4).Done()) },
			"rnn.NewLSTM: proj_size has to be smaller than hidden_size, got proj_size 4 and hidden_size 4"},
		{"proj_size > hidden_size", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 4).ProjSize(9).Done()) },
			"proj_size has to be smaller than hidden_size, got proj_size 9"},
		{"negative proj_size", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 4).ProjSize(-1).Done()) },
			"rnn.NewLSTM: proj_size should be a positive integer or zero to disable projections, got -1"},
		{"lstm int dtype", func(ctx *context.Context) error { return done(NewLSTM(ctx, 2, 2).DType(dtypes.Int32).Done()) },
			"rnn.NewLSTM: dtype must be Float32 or Float64, got Int32"},
		{"gru float16", func(ctx *context.Context) error { return done(NewGRU(ctx, 2, 2).DType(dtypes.Float16).Done()) },
			"rnn.NewGRU: dtype must be Float32 or Float64, got Float16"},
		{"lstm cell dtype", func(ctx *context.Context) error { return done(NewLSTMCell(ctx, 2, 2).DType(dtypes.Int64).Done()) },
			"rnn.NewLSTMCell: dtype must be Float32 or Float64, got Int64"},
		{"gru cell dtype", func(ctx *context.Context) error { return done(NewGRUCell(ctx, 2, 2).DType(dtypes.Bool).Done()) },
			"rnn.NewGRUCell: dtype must be Float32 or Float64, got Bool"},
		{"same scope, other size", func(ctx *context.Context) error {
			if _, err := NewLSTM(ctx, 2, 2).Done(); err != nil {
				return err
			}
			return done(NewLSTM(ctx, 3, 2).Done())
		}, "already exists with shape (Float32)[8 2], expected (Float32)[8 3]"},
		{"same scope, GRU over LSTM", func(ctx *context.Context) error {
			if _, err := NewLSTM(ctx, 2, 2).Done(); err != nil {
				return err
			}
			return done(NewGRU(ctx, 2, 2).Done())
		}, "already exists with shape (Float32)[8 2], expected (Float32)[6 2]"},
		{"setter after Done", func(ctx *context.Context) error {
			m, err := NewLSTM(ctx, 2, 4).Done()
			if err != nil {
				return err
			}
			return done(m.ProjSize(2).Done())
		}, "rnn.LSTM.ProjSize called after Done"},
		{"gru cell setter after Done", func(ctx *context.Context) error {
			c, err := NewGRUCell(ctx, 2, 4).Done()
			if err != nil {
				return err
			}
			return done(c.Bias(false).Done())
		}, "rnn.GRUCell.Bias called after Done"},
	}
	for _, tc := range buildErrs {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.build(context.New().In("m"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}

	f32 := func(g *graph.Graph, dims ...int) *graph.Node { return graph.Zeros(g, shapeF32(dims...)) }
	lstm := func(ctx *context.Context, in, hidden int) *LSTM { return mustDone(NewLSTM(ctx, in, hidden).Done()) }
	forwardErrs := []struct {
		name string
		fn   func(ctx *context.Context, g *graph.Graph)
		want string
	}{
		{"lstm before Done", func(ctx *context.Context, g *graph.Graph) {
			NewLSTM(ctx, 2, 4).Forward(f32(g, 5, 1, 2), nil, nil)
		}, "rnn.LSTM.Forward called before Done"},
		{"lstm input size", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 1, 3), nil, nil)
		}, "rnn.LSTM: input size: expected 2, got 3 (input shape [5 1 3])"},
		{"lstm input rank", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 2), nil, nil)
		}, "rnn.LSTM: input must be 2-D [seq_len, input_size] (unbatched) or 3-D [seq_len, batch, input_size], got 1-D [2]"},
		{"gru batch-first input rank", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRU(ctx, 2, 4).BatchFirst(true).Done()).Forward(f32(g, 1, 2, 3, 2), nil)
		}, "rnn.GRU: input must be 2-D [seq_len, input_size] (unbatched) or 3-D [batch, seq_len, input_size] (batch_first), got 4-D [1 2 3 2]"},
		{"lstm input dtype", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(graph.Zeros(g, shapes.Make(dtypes.Float64, 5, 1, 2)), nil, nil)
		}, "rnn.LSTM: input dtype: expected Float32, got Float64"},
		{"lstm empty sequence", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 0, 3, 2), nil, nil)
		}, "rnn.LSTM: empty input [0 3 2]"},
		{"gru batch-first empty sequence: the shape as given", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRU(ctx, 2, 4).BatchFirst(true).Done()).Forward(f32(g, 3, 0, 2), nil)
		}, "rnn.GRU: empty input [3 0 2] ([batch, seq_len, input_size] (batch_first))"},
		{"lstm h0 without c0", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 3, 2), f32(g, 1, 3, 4), nil)
		}, "rnn.LSTM: h0 given without c0: give both, h0 [1 3 4] and c0 [1 3 4], or both nil for zero states; got h0 [1 3 4]"},
		{"lstm c0 without h0", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 3, 2), nil, f32(g, 1, 3, 4))
		}, "rnn.LSTM: c0 given without h0"},
		{"lstm (h0, c0) as one tensor", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTM(ctx, 2, 4).NumLayers(2).Done()).Forward(f32(g, 5, 3, 2), f32(g, 2, 2, 3, 4), nil)
		}, "h0 given without c0: give both, h0 [2 3 4] and c0 [2 3 4], or both nil for zero states; got h0 [2 2 3 4] (a stacked (h0, c0) pair? pass them as two tensors)"},
		{"lstm h0 and c0 stacked, twice", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 3, 2), f32(g, 2, 1, 3, 4), f32(g, 2, 1, 3, 4))
		}, "rnn.LSTM: h0: expected shape [1 3 4], got [2 1 3 4]"},
		{"lstm h0 batch", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 3, 2), f32(g, 1, 2, 4), f32(g, 1, 3, 4))
		}, "rnn.LSTM: h0: expected shape [1 3 4], got [1 2 4]"},
		{"lstm c0 layers", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTM(ctx, 2, 4).NumLayers(2).Bidirectional(true).Done()).Forward(f32(g, 5, 3, 2), f32(g, 4, 3, 4), f32(g, 2, 3, 4))
		}, "rnn.LSTM: c0: expected shape [4 3 4], got [2 3 4]"},
		{"lstm proj h0 has proj_size features", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTM(ctx, 2, 4).ProjSize(2).Done()).Forward(f32(g, 5, 3, 2), f32(g, 1, 3, 4), f32(g, 1, 3, 4))
		}, "rnn.LSTM: h0: expected shape [1 3 2], got [1 3 4]"},
		{"lstm proj c0 has hidden_size features", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTM(ctx, 2, 4).ProjSize(2).Done()).Forward(f32(g, 5, 3, 2), f32(g, 1, 3, 2), f32(g, 1, 3, 2))
		}, "rnn.LSTM: c0: expected shape [1 3 4], got [1 3 2]"},
		{"lstm unbatched h0", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 2), f32(g, 1, 1, 4), f32(g, 1, 4))
		}, "rnn.LSTM: h0: expected shape [1 4], got [1 1 4]"},
		{"lstm c0 dtype", func(ctx *context.Context, g *graph.Graph) {
			lstm(ctx, 2, 4).Forward(f32(g, 5, 3, 2), f32(g, 1, 3, 4), graph.Zeros(g, shapes.Make(dtypes.Float64, 1, 3, 4)))
		}, "rnn.LSTM: c0 dtype: expected Float32, got Float64"},
		{"gru input size", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRU(ctx, 2, 4).Done()).Forward(f32(g, 5, 1, 7), nil)
		}, "rnn.GRU: input size: expected 2, got 7"},
		{"gru h0 layers", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRU(ctx, 2, 4).NumLayers(2).Bidirectional(true).Done()).Forward(f32(g, 5, 3, 2), f32(g, 2, 3, 4))
		}, "rnn.GRU: h0: expected shape [4 3 4], got [2 3 4]"},
		{"gru h0 dtype", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRU(ctx, 2, 4).Done()).Forward(f32(g, 5, 3, 2), graph.Zeros(g, shapes.Make(dtypes.Float64, 1, 3, 4)))
		}, "rnn.GRU: h0 dtype: expected Float32, got Float64"},
		{"lstm cell h without c", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTMCell(ctx, 2, 4).Done()).Forward(f32(g, 3, 2), f32(g, 3, 4), nil)
		}, "rnn.LSTMCell: h given without c: give both, h [3 4] and c [3 4], or both nil for zero states; got h [3 4]"},
		{"lstm cell c shape", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTMCell(ctx, 2, 4).Done()).Forward(f32(g, 3, 2), f32(g, 3, 4), f32(g, 1, 4))
		}, "rnn.LSTMCell: c: expected shape [3 4], got [1 4]"},
		{"lstm cell input rank", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewLSTMCell(ctx, 2, 4).Done()).Forward(f32(g, 5, 3, 2), nil, nil)
		}, "rnn.LSTMCell: input must be 1-D [input_size] or 2-D [batch, input_size], got 3-D [5 3 2]"},
		{"gru cell h shape", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRUCell(ctx, 2, 4).Done()).Forward(f32(g, 2), f32(g, 1, 4))
		}, "rnn.GRUCell: h: expected shape [4], got [1 4]"},
		{"gru cell input dtype", func(ctx *context.Context, g *graph.Graph) {
			mustDone(NewGRUCell(ctx, 2, 4).Done()).Forward(graph.Zeros(g, shapes.Make(dtypes.Float64, 3, 2)), nil)
		}, "rnn.GRUCell: input dtype: expected Float32, got Float64"},
	}
	for _, tc := range forwardErrs {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.New()
			exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, g *graph.Graph) *graph.Node {
				tc.fn(ctx.In("m"), g)
				return graph.Const(g, 0)
			})
			if err == nil {
				_, err = exec.Exec()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
