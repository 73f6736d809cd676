package rnn

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
)

// seedSRN is the homework's NumPy SRN: every weight 1, no biases.
func seedSRN(act func(float64) float64) SRN {
	ones := [][]float64{{1, 1}, {1, 1}}
	return SRN{W: ones, U: ones, V: ones, Act: act}
}

var seedInputs = [][]float64{{1, 1}, {1, 1}, {2, 2}}

// TestReferenceSeedNumbers checks the from-scratch SRN against what the
// seed's NumPy code prints (notebooks/testdata/seed-part1-4-outputs.txt, a copy of the reference).
func TestReferenceSeedNumbers(t *testing.T) {
	hs, ys := seedSRN(Identity).Run(seedInputs, nil)
	for i, want := range []float64{4, 12, 32} {
		if ys[i][0] != want || ys[i][1] != want {
			t.Errorf("no activation, step %d: output %v, the seed prints %v %v", i, ys[i], want, want)
		}
	}
	for i, want := range []float64{2, 6, 16} {
		if hs[i][0] != want {
			t.Errorf("no activation, step %d: state %v, want %v", i, hs[i], want)
		}
	}
	hs, ys = seedSRN(math.Tanh).Run(seedInputs, nil)
	wantY := []float64{1.9280551601516338, 1.9984510891336251, 1.9999753470497836}
	wantH := []float64{0.9640275800758169, 0.9992255445668126, 0.9999876735248918}
	for i := range wantY {
		// NumPy's printed repr is the shortest that round-trips: equality is exact.
		if ys[i][0] != wantY[i] || ys[i][1] != wantY[i] {
			t.Errorf("tanh, step %d: output %.17g, the seed prints %.17g", i, ys[i][0], wantY[i])
		}
		if hs[i][0] != wantH[i] {
			t.Errorf("tanh, step %d: state %.17g, the seed prints %.17g", i, hs[i][0], wantH[i])
		}
	}
}

// TestLayersMatchReference runs Cell and RNN (float64, random weights) against
// the from-scratch SRN.
func TestLayersMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const in, hidden, steps = 3, 4, 6
	randMat := func(r, c int) [][]float64 {
		m := make([][]float64, r)
		for i := range m {
			m[i] = make([]float64, c)
			for j := range m[i] {
				m[i][j] = rng.Float64()*2 - 1
			}
		}
		return m
	}
	ref := SRN{W: randMat(hidden, in), U: randMat(hidden, hidden), BW: randMat(1, hidden)[0], BU: randMat(1, hidden)[0],
		V: randMat(2, hidden), Act: math.Tanh}
	xs := randMat(steps, in)
	wantH, _ := ref.Run(xs, nil)

	ctx := context.New()
	cell, err := NewCell(ctx.In("cell"), in, hidden).DType(dtypes.Float64).Done()
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(ctx.In("rnn"), in, hidden).DType(dtypes.Float64).Done()
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range [][]Parameter{cell.NamedParameters(), m.NamedParameters()} {
		for i, v := range []any{ref.W, ref.U, ref.BW, ref.BU} {
			if err := ps[i].Set(v); err != nil {
				t.Fatal(err)
			}
		}
	}
	outs := mustExec(t, ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
		x := graph.Const(g, xs) // [L, I] unbatched
		var h *graph.Node
		var cellStates []*graph.Node
		for step := range steps {
			h = cell.Forward(graph.Reshape(graph.Slice(x, graph.AxisElem(step)), in), h)
			cellStates = append(cellStates, h)
		}
		out, hn := m.Forward(x, nil)
		return []*graph.Node{graph.Stack(cellStates, 0), out, hn}
	})
	flatWant := []float64{}
	for _, h := range wantH {
		flatWant = append(flatWant, h...)
	}
	if d := maxRelDiff(Float64s(outs[0]), flatWant); d > 1e-14 {
		t.Errorf("Cell looped by hand differs from the reference by %.3g", d)
	}
	if d := maxRelDiff(Float64s(outs[1]), flatWant); d > 1e-14 {
		t.Errorf("RNN output differs from the reference by %.3g", d)
	}
	if d := maxRelDiff(Float64s(outs[2]), wantH[steps-1]); d > 1e-14 {
		t.Errorf("RNN h_n differs from the reference's last state by %.3g", d)
	}
}

// mustExec builds and runs a graph with no inputs.
func mustExec(t *testing.T, ctx *context.Context, fn func(ctx *context.Context, g *graph.Graph) []*graph.Node) []*tensors.Tensor {
	t.Helper()
	exec, err := context.NewExec(backend.MustGet(), ctx, fn)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Exec()
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// TestFiniteDifferences checks the custom BPTT gradients of a 2-layer
// bidirectional float64 RNN with an initial state against central finite
// differences of the loss.
func TestFiniteDifferences(t *testing.T) {
	const in, hidden, steps, batch = 3, 4, 5, 2
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(7))
	m, err := New(ctx.In("rnn"), in, hidden).NumLayers(2).Bidirectional(true).DType(dtypes.Float64).Done()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	randT := func(dims ...int) *tensors.Tensor {
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
	xVar := ctx.In("data").VariableWithValue("x", randT(steps, batch, in)).SetTrainable(false)
	h0Var := ctx.In("data").VariableWithValue("h0", randT(4, batch, hidden)).SetTrainable(false)
	wOut, wHn := randT(steps, batch, 2*hidden), randT(4, batch, hidden)
	vars := []*context.Variable{xVar, h0Var}
	for _, p := range m.NamedParameters() {
		vars = append(vars, p.Variable)
	}
	exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
		out, hn := m.Forward(xVar.ValueGraph(g), h0Var.ValueGraph(g))
		loss := graph.Add(graph.ReduceAllSum(graph.Mul(out, graph.Const(g, wOut))),
			graph.ReduceAllSum(graph.Mul(hn, graph.Const(g, wHn))))
		wrt := make([]*graph.Node, len(vars))
		for i, v := range vars {
			wrt[i] = v.ValueGraph(g)
		}
		return append([]*graph.Node{loss}, graph.Gradient(loss, wrt...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		outs, err := exec.Exec()
		if err != nil {
			t.Fatal(err)
		}
		return Float64s(outs[0])[0]
	}
	outs, err := exec.Exec()
	if err != nil {
		t.Fatal(err)
	}
	const eps = 1e-6
	checked := 0
	for i, v := range vars {
		grad := Float64s(outs[1+i])
		base := Float64s(v.MustValue())
		dims := v.Shape().Dimensions
		// Every element of the small tensors, every 7th of the larger ones.
		for j := 0; j < len(base); j += 1 + len(base)/24 {
			set := func(val float64) {
				vals := append([]float64(nil), base...)
				vals[j] = val
				v.MustSetValue(tensors.FromFlatDataAndDimensions(vals, dims...))
			}
			set(base[j] + eps)
			plus := loss()
			set(base[j] - eps)
			minus := loss()
			set(base[j])
			fd := (plus - minus) / (2 * eps)
			if d := math.Abs(fd-grad[j]) / math.Max(1, math.Abs(fd)); d > 1e-7 {
				t.Errorf("%s[%d]: gradient %.10g, finite difference %.10g", v.ScopeAndName(), j, grad[j], fd)
			}
			checked++
		}
	}
	t.Logf("checked %d gradient elements against central differences", checked)
}

// TestOutputLastIsHn: for one layer and one direction, output[L-1] = h_n[0].
func TestOutputLastIsHn(t *testing.T) {
	ctx := context.New()
	m, err := New(ctx.In("rnn"), 2, 3).Done()
	if err != nil {
		t.Fatal(err)
	}
	outs := mustExec(t, ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
		x := graph.Const(g, [][][]float32{{{1, 2}}, {{3, 4}}, {{5, 6}}}) // [3, 1, 2]
		out, hn := m.Forward(x, nil)
		return []*graph.Node{graph.Reshape(graph.Slice(out, graph.AxisElem(2)), 1, 3), graph.Reshape(hn, 1, 3)}
	})
	if d := maxRelDiff(Float64s(outs[0]), Float64s(outs[1])); d != 0 {
		t.Errorf("output[-1] and h_n[-1] differ by %g", d)
	}
}

// TestDropoutOnlyBetweenLayersWhileTraining: dropout changes nothing in
// inference, and while training it changes the output only with 2+ layers.
func TestDropoutOnlyBetweenLayersWhileTraining(t *testing.T) {
	run := func(layers int, dropout float64, training bool) []float64 {
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(5))
		m, err := New(ctx.In("rnn"), 4, 16).NumLayers(layers).Dropout(dropout).Done()
		if err != nil {
			t.Fatal(err)
		}
		outs := mustExec(t, ctx, func(ctx *context.Context, g *graph.Graph) []*graph.Node {
			ctx.SetTraining(g, training)
			x := graph.Ones(g, shapeF32(2, 4, 4)) // [L=2, N=4, I=4]
			out, _ := m.Forward(x, nil)
			return []*graph.Node{out}
		})
		return Float64s(outs[0])
	}
	if d := maxRelDiff(run(2, 0.5, false), run(2, 0, false)); d != 0 {
		t.Errorf("dropout changed the output in inference mode by %g", d)
	}
	if d := maxRelDiff(run(1, 0.5, true), run(1, 0, true)); d != 0 {
		t.Errorf("dropout changed a 1-layer RNN's output (no layer in between) by %g", d)
	}
	if d := maxRelDiff(run(2, 0.5, true), run(2, 0, true)); d == 0 {
		t.Errorf("dropout 0.5 while training left a 2-layer RNN's output unchanged")
	}
}

// TestBadInput lists the configurations and inputs that must fail with an
// error naming what was expected and what was got.
func TestBadInput(t *testing.T) {
	buildErrs := []struct {
		name  string
		build func(ctx *context.Context) error
		want  string
	}{
		{"unknown nonlinearity", func(ctx *context.Context) error {
			_, err := New(ctx, 2, 2).Nonlinearity("sigmoid").Done()
			return err
		}, `unknown nonlinearity "sigmoid": expected "tanh" or "relu"`},
		{"cell unknown nonlinearity", func(ctx *context.Context) error {
			_, err := NewCell(ctx, 2, 2).Nonlinearity("gelu").Done()
			return err
		}, `unknown nonlinearity "gelu"`},
		{"zero input size", func(ctx *context.Context) error { _, err := New(ctx, 0, 2).Done(); return err },
			"input_size must be positive, got 0"},
		{"negative hidden size", func(ctx *context.Context) error { _, err := NewCell(ctx, 2, -1).Done(); return err },
			"hidden_size must be positive, got -1"},
		{"zero layers", func(ctx *context.Context) error { _, err := New(ctx, 2, 2).NumLayers(0).Done(); return err },
			"num_layers must be positive, got 0"},
		{"dropout 1", func(ctx *context.Context) error { _, err := New(ctx, 2, 2).Dropout(1).Done(); return err },
			"dropout should be a number in range [0, 1)"},
		{"dropout negative", func(ctx *context.Context) error { _, err := New(ctx, 2, 2).Dropout(-0.1).Done(); return err },
			"got -0.1"},
		{"linear zero out", func(ctx *context.Context) error { _, err := NewLinear(ctx, 2, 0).Done(); return err },
			"out_features must be positive, got 0"},
		{"embedding zero", func(ctx *context.Context) error { _, err := NewEmbedding(ctx, 0, 3).Done(); return err },
			"num_embeddings must be positive, got 0"},
		{"int dtype", func(ctx *context.Context) error { _, err := New(ctx, 2, 2).DType(dtypes.Int32).Done(); return err },
			"dtype must be Float32 or Float64, got Int32"},
		{"same scope, other size", func(ctx *context.Context) error {
			if _, err := New(ctx, 2, 2).Done(); err != nil {
				return err
			}
			_, err := New(ctx, 3, 2).Done()
			return err
		}, "already exists with shape (Float32)[2 2], expected (Float32)[2 3]"},
		{"setter after Done", func(ctx *context.Context) error {
			m, err := New(ctx, 2, 2).Done()
			if err != nil {
				return err
			}
			_, err = m.NumLayers(2).Done()
			return err
		}, "NumLayers called after Done"},
	}
	for _, tc := range buildErrs {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.build(context.New().In("m"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}

	forwardErrs := []struct {
		name string
		fn   func(ctx *context.Context, g *graph.Graph)
		want string
	}{
		{"rnn input size", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).Done()
			m.Forward(graph.Zeros(g, shapeF32(5, 1, 3)), nil)
		}, "input size: expected 2, got 3"},
		{"rnn input rank", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).Done()
			m.Forward(graph.Zeros(g, shapeF32(2)), nil)
		}, "input must be 2-D [seq_len, input_size] (unbatched) or 3-D [seq_len, batch, input_size], got 1-D [2]"},
		{"rnn h0 batch", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).Done()
			m.Forward(graph.Zeros(g, shapeF32(5, 3, 2)), graph.Zeros(g, shapeF32(1, 2, 4)))
		}, "h0: expected shape [1 3 4], got [1 2 4]"},
		{"rnn h0 layers", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).NumLayers(2).Bidirectional(true).Done()
			m.Forward(graph.Zeros(g, shapeF32(5, 3, 2)), graph.Zeros(g, shapeF32(2, 3, 4)))
		}, "h0: expected shape [4 3 4], got [2 3 4]"},
		{"rnn unbatched h0", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).Done()
			m.Forward(graph.Zeros(g, shapeF32(5, 2)), graph.Zeros(g, shapeF32(1, 1, 4)))
		}, "h0: expected shape [1 4], got [1 1 4]"},
		{"rnn dtype", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 2, 4).Done()
			m.Forward(graph.Zeros(g, shapes.Make(dtypes.Float64, 5, 1, 2)), nil)
		}, "input dtype: expected Float32, got Float64"},
		{"one-hot float indices", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 4, 4).Done()
			m.ForwardOneHot(graph.Zeros(g, shapeF32(5, 2)), nil)
		}, "indices must be integers, got Float32"},
		{"one-hot rank", func(ctx *context.Context, g *graph.Graph) {
			m, _ := New(ctx, 4, 4).BatchFirst(true).Done()
			m.ForwardOneHot(graph.Zeros(g, shapes.Make(dtypes.Int32, 5, 2, 4)), nil)
		}, "indices must be 1-D [seq_len] (unbatched) or 2-D [batch, seq_len], got 3-D [5 2 4]"},
		{"cell input size", func(ctx *context.Context, g *graph.Graph) {
			c, _ := NewCell(ctx, 4, 4).Done()
			c.Forward(graph.Zeros(g, shapeF32(1, 3)), nil)
		}, "input size: expected 4, got 3"},
		{"cell h shape", func(ctx *context.Context, g *graph.Graph) {
			c, _ := NewCell(ctx, 4, 4).Done()
			c.Forward(graph.Zeros(g, shapeF32(2, 4)), graph.Zeros(g, shapeF32(1, 4)))
		}, "hidden state: expected shape [2 4], got [1 4]"},
		{"linear features", func(ctx *context.Context, g *graph.Graph) {
			l, _ := NewLinear(ctx, 8, 4).Done()
			l.Forward(graph.Zeros(g, shapeF32(3, 7)))
		}, "input features: expected 8, got 7"},
		{"embedding float indices", func(ctx *context.Context, g *graph.Graph) {
			e, _ := NewEmbedding(ctx, 4, 10).Done()
			e.Forward(graph.Zeros(g, shapeF32(5)))
		}, "indices must be integers, got Float32"},
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

func shapeF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

// TestStateDict: loading is strict like torch's load_state_dict, and a saved
// state dict loads back.
func TestStateDict(t *testing.T) {
	dir := t.TempDir()
	build := func() *context.Context {
		ctx := context.New()
		ctx.SetParam(context.ParamInitialSeed, int64(11))
		if _, err := NewEmbedding(ctx.In("emb"), 4, 10).Done(); err != nil {
			t.Fatal(err)
		}
		if _, err := New(ctx.In("rnn"), 10, 8).NumLayers(2).BatchFirst(true).Done(); err != nil {
			t.Fatal(err)
		}
		if _, err := NewLinear(ctx.In("fc"), 8, 4).Done(); err != nil {
			t.Fatal(err)
		}
		return ctx
	}
	ctx := build()
	if err := ctx.InitializeVariables(backend.MustGet(), nil); err != nil {
		t.Fatal(err)
	}
	sd, err := StateDict(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range sd {
		keys = append(keys, k)
	}
	for _, want := range []string{"emb.weight", "rnn.weight_ih_l0", "rnn.bias_hh_l1", "fc.weight", "fc.bias"} {
		if _, ok := sd[want]; !ok {
			t.Errorf("state dict has no %q; keys: %v", want, keys)
		}
	}
	if len(sd) != 1+8+2 {
		t.Errorf("state dict has %d keys, want 11: %v", len(sd), keys)
	}
	path := filepath.Join(dir, "model.npz")
	if err := SaveStateDict(ctx, path); err != nil {
		t.Fatal(err)
	}
	ctx2 := build()
	if err := LoadStateDict(ctx2, path); err != nil {
		t.Fatal(err)
	}
	sd2, err := StateDict(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sd {
		if d := maxRelDiff(Float64s(v), Float64s(sd2[k])); d != 0 {
			t.Errorf("%s changed by %g after save and load", k, d)
		}
	}

	// The variables get copies: finalizing their values (as a training step
	// donating them does) leaves the state dict usable.
	ctx3 := build()
	if err := SetStateDict(ctx3, sd2); err != nil {
		t.Fatal(err)
	}
	for v := range ctx3.IterVariables() {
		v.MustValue().FinalizeAll()
	}
	for k, v := range sd2 {
		if err := v.CheckValid(); err != nil {
			t.Errorf("%s after the variable's value was freed: %v", k, err)
		} else if d := maxRelDiff(Float64s(v), Float64s(sd[k])); d != 0 {
			t.Errorf("%s changed by %g", k, d)
		}
	}

	// Strictness: missing, unexpected and mis-shaped entries are named.
	bad := map[string]*tensors.Tensor{}
	for k, v := range sd {
		if k != "fc.bias" {
			bad[k] = v
		}
	}
	bad["fc.extra"] = sd["fc.bias"]
	bad["rnn.weight_ih_l0"] = tensors.FromFlatDataAndDimensions(make([]float32, 8*9), 8, 9)
	err = SetStateDict(build(), bad)
	for _, want := range []string{"missing keys: fc.bias", "unexpected keys: fc.extra",
		"size mismatch for rnn.weight_ih_l0: shape mismatch: expected [8 10], got [8 9]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SetStateDict error %v does not contain %q", err, want)
		}
	}
	if err := LoadStateDict(build(), filepath.Join(dir, "nosuch.npz")); err == nil ||
		!strings.Contains(err.Error(), "nosuch.npz") {
		t.Errorf("loading a missing file: error %v should name the file", err)
	}
	garbage := filepath.Join(dir, "garbage.npz")
	if err := os.WriteFile(garbage, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := LoadStateDict(build(), garbage); err == nil || !strings.Contains(err.Error(), "garbage.npz") {
		t.Errorf("loading a bad file: error %v should name the file", err)
	}
	// A state dict written by NumPy itself (the committed notebook file) loads into the matching layers.
	npz, err := numpy.FromNpzFile("../../notebooks/data/srn-random.npz")
	if err != nil {
		t.Fatal(err)
	}
	nbCtx := context.New()
	if _, err := NewCell(nbCtx.In("cell"), 2, 2).Done(); err != nil {
		t.Fatal(err)
	}
	cellSD := map[string]*tensors.Tensor{}
	for k, v := range npz {
		if name, ok := strings.CutPrefix(k, "cell."); ok {
			cellSD[name] = v
		}
	}
	if err := SetStateDict(nbCtx.In("cell"), cellSD); err != nil {
		t.Errorf("loading the NumPy-written RNNCell weights: %v", err)
	}
}

// TestParameterInit: Ones/Zeros/Constant/Uniform/Set and PyTorch's default bounds.
func TestParameterInit(t *testing.T) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(3))
	m, err := New(ctx.In("rnn"), 3, 16).NumLayers(2).Done()
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.InitializeVariables(backend.MustGet(), nil); err != nil {
		t.Fatal(err)
	}
	bound := 1 / math.Sqrt(16)
	for _, p := range m.NamedParameters() {
		vals, _, err := p.Value()
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo < -bound || hi > bound || hi-lo < bound {
			t.Errorf("%s: default init spans [%g, %g], want U(-%g, %g)", p.Name, lo, hi, bound, bound)
		}
	}
	for _, p := range m.NamedParameters() {
		if strings.HasPrefix(p.Name, "weight") {
			err = p.Ones()
		} else {
			err = p.Zeros()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	vals, dims, _ := m.NamedParameters()[0].Value()
	if !slices.Equal(dims, []int{16, 3}) || vals[0] != 1 || vals[len(vals)-1] != 1 {
		t.Errorf("weight_ih_l0 after Ones: dims %v values %v…", dims, vals[:3])
	}
	if err := m.NamedParameters()[2].Constant(0.5); err != nil {
		t.Fatal(err)
	}
	if vals, _, _ := m.NamedParameters()[2].Value(); vals[7] != 0.5 {
		t.Errorf("Constant(0.5) gave %v", vals[7])
	}
	if err := m.NamedParameters()[3].Uniform(-0.1, 0.1, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	err = m.NamedParameters()[2].Set([]float64{0})
	if err == nil || !strings.Contains(err.Error(), "bias_ih_l0.Set: shape mismatch: expected [16], got [1]") {
		t.Errorf("Set with a shape-(1,) bias: error %v", err)
	}
	if err := m.NamedParameters()[3].Uniform(1, -1, nil); err == nil {
		t.Error("Uniform(1, -1) should fail")
	}
}

// TestForwardOneHot: indices give exactly the numbers of their one-hot rows,
// outputs and gradients, with the custom gradients and with autodiff.
func TestForwardOneHot(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		layers                     int
		bidir, batchFirst, unbatch bool
		custom                     bool
	}{
		{"1 layer", 1, false, false, false, true},
		{"1 layer autodiff", 1, false, false, false, false},
		{"2 layers bidir batch_first", 2, true, true, false, true},
		{"unbatched", 1, false, false, true, true},
		{"2 layers bidir autodiff", 2, true, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const vocab, hidden = 7, 5
			idxData := [][]int32{{1, 0, 6}, {3, 3, 2}, {5, 4, 0}, {2, 6, 1}} // [L=4, N=3]
			if tc.batchFirst {
				idxData = [][]int32{{1, 3, 5, 2}, {0, 3, 4, 6}, {6, 2, 0, 1}} // [N=3, L=4]
			}
			var idx *tensors.Tensor
			if tc.unbatch {
				idx = tensors.FromValue([]int32{1, 3, 5, 2})
			} else {
				idx = tensors.FromValue(idxData)
			}
			ctx := context.New()
			ctx.SetParam(context.ParamInitialSeed, int64(9))
			m, err := New(ctx.In("rnn"), vocab, hidden).NumLayers(tc.layers).Bidirectional(tc.bidir).
				BatchFirst(tc.batchFirst).DType(dtypes.Float64).CustomGradient(tc.custom).Done()
			if err != nil {
				t.Fatal(err)
			}
			run := func(oneHot bool) []*tensors.Tensor {
				return mustExecWith(t, ctx, func(ctx *context.Context, idx *graph.Node) []*graph.Node {
					var out, hn *graph.Node
					if oneHot {
						out, hn = m.ForwardOneHot(idx, nil)
					} else {
						out, hn = m.Forward(graph.OneHot(idx, vocab, dtypes.Float64), nil)
					}
					loss := graph.Add(graph.ReduceAllSum(graph.Mul(out, out)), graph.ReduceAllSum(hn))
					var wrt []*graph.Node
					for _, p := range m.NamedParameters() {
						wrt = append(wrt, p.Variable.ValueGraph(idx.Graph()))
					}
					return append([]*graph.Node{out, hn}, graph.Gradient(loss, wrt...)...)
				}, idx)
			}
			a, b := run(true), run(false)
			// On the pure-Go backend the two are bit-identical (a lookup adds
			// the same products as a product with one-hot rows); XLA may fuse
			// the product differently (measured on a GPU: 1e-16), so the test
			// allows float64 rounding.
			for i := range a {
				if d := maxRelDiff(Float64s(a[i]), Float64s(b[i])); d > 1e-14 {
					t.Errorf("result %d: indices and one-hot differ by %g", i, d)
				}
			}
		})
	}
}

// mustExecWith builds and runs a graph with the given inputs.
func mustExecWith(t *testing.T, ctx *context.Context, fn func(ctx *context.Context, x *graph.Node) []*graph.Node, x *tensors.Tensor) []*tensors.Tensor {
	t.Helper()
	exec, err := context.NewExec(backend.MustGet(), ctx, fn)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}
