package theory

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

func maxAbsDiff(t *testing.T, name string, a, b []float64) float64 {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d values, want %d", name, len(a), len(b))
	}
	worst := 0.0
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if d > worst || math.IsNaN(d) {
			worst = d
		}
	}
	return worst
}

func compareGradients(t *testing.T, who string, got, want *Gradients, tol float64) {
	t.Helper()
	w := want.Named()
	for i, g := range got.Named() {
		if d := maxAbsDiff(t, g.Name, g.Values, w[i].Values); d > tol {
			t.Errorf("%s: gradient %s differs by %.3g (> %g):\n got  %v\n want %v", who, g.Name, d, tol, g.Values, w[i].Values)
		}
	}
}

// TestBPTTByHand compares the from-scratch BPTT with PyTorch's autograd
// (the fixture) and with pkg/rnn's gradients in float64: equal to 1e-10.
func TestBPTTByHand(t *testing.T) {
	f, err := LoadPyTorchBPTT()
	if err != nil {
		t.Fatal(err)
	}
	hs, ys := f.SRN.Run(f.X, f.H0)
	if d := maxAbsDiff(t, "h", Flatten(hs), Flatten(f.H)); d > 1e-12 {
		t.Errorf("states differ from PyTorch's by %.3g", d)
	}
	loss, dY, err := SquaredError(ys, f.Targets)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss-f.Loss) > 1e-12 {
		t.Errorf("loss %v, PyTorch %v", loss, f.Loss)
	}
	byHand, err := BPTT(f.SRN, f.X, f.H0, dY)
	if err != nil {
		t.Fatal(err)
	}
	compareGradients(t, "by hand vs PyTorch", byHand, &f.Grads, 1e-10)
	lib, libLoss, libH, err := LibraryGradients(f.SRN, f.X, f.H0, f.Targets)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(libLoss-f.Loss) > 1e-12 || maxAbsDiff(t, "library h", Flatten(libH), Flatten(f.H)) > 1e-12 {
		t.Errorf("pkg/rnn's forward pass differs: loss %v (PyTorch %v)", libLoss, f.Loss)
	}
	compareGradients(t, "by hand vs pkg/rnn", byHand, lib, 1e-10)
	// δ_1 is the error of the first pre-activation: ∂L/∂h0 = Uᵀ·δ_1 and ∂L/∂x_1 = Wᵀ·δ_1.
	if d := maxAbsDiff(t, "h0 from δ_1", matTVec(f.SRN.U, byHand.Delta[0]), f.Grads.H0); d > 1e-10 {
		t.Errorf("Uᵀ·δ_1 differs from ∂L/∂h0 by %.3g", d)
	}
}

// TestBPTTFiniteDifferences checks BPTT on an SRN without activation
// (which pkg/rnn's RNN cannot express) and with tanh and no biases against
// central finite differences of the loss.
func TestBPTTFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(r, c int) [][]float64 {
		m := zeros(r, c)
		for i := range m {
			for j := range m[i] {
				m[i][j] = rng.NormFloat64() * 0.5
			}
		}
		return m
	}
	for _, act := range []func(float64) float64{nil, rnn.Identity, math.Tanh} {
		s := rnn.SRN{W: random(3, 2), U: random(3, 3), V: random(2, 3), Act: act}
		if act != nil {
			s.BW, s.BU, s.BV = random(1, 3)[0], random(1, 3)[0], random(1, 2)[0]
		}
		xs, targets, h0 := random(5, 2), random(5, 2), random(1, 3)[0]
		lossOf := func() float64 {
			_, ys := s.Run(xs, h0)
			l, _, _ := SquaredError(ys, targets)
			return l
		}
		_, ys := s.Run(xs, h0)
		_, dY, _ := SquaredError(ys, targets)
		g, err := BPTT(s, xs, h0, dY)
		if err != nil {
			t.Fatal(err)
		}
		numeric := func(p *float64) float64 {
			const eps = 1e-6
			old := *p
			*p = old + eps
			up := lossOf()
			*p = old - eps
			down := lossOf()
			*p = old
			return (up - down) / (2 * eps)
		}
		check := func(name string, params [][]float64, grads [][]float64) {
			for i := range params {
				for j := range params[i] {
					if want := numeric(&params[i][j]); math.Abs(grads[i][j]-want) > 1e-6 {
						t.Errorf("∂L/∂%s[%d][%d] = %v, finite differences %v", name, i, j, grads[i][j], want)
					}
				}
			}
		}
		check("W", s.W, g.W)
		check("U", s.U, g.U)
		check("V", s.V, g.V)
		check("x", xs, g.X)
		check("h0", [][]float64{h0}, [][]float64{g.H0})
		if act != nil {
			check("b_W", [][]float64{s.BW}, [][]float64{g.BW})
			check("b_U", [][]float64{s.BU}, [][]float64{g.BU})
			check("b_V", [][]float64{s.BV}, [][]float64{g.BV})
		}
	}
}

// TestJacobiansMatchPyTorch compares ∂h_t/∂h_0 and their spectral norms
// with torch.autograd.functional.jacobian and torch.linalg.matrix_norm(ord=2).
func TestJacobiansMatchPyTorch(t *testing.T) {
	f, err := LoadPyTorchBPTT()
	if err != nil {
		t.Fatal(err)
	}
	js, err := Jacobians(f.SRN, f.X, f.H0)
	if err != nil {
		t.Fatal(err)
	}
	norms, err := JacobianNorms(f.SRN, f.X, f.H0)
	if err != nil {
		t.Fatal(err)
	}
	for step := range js {
		if d := maxAbsDiff(t, "jacobian", Flatten(js[step]), Flatten(f.Jacobians[step])); d > 1e-12 {
			t.Errorf("step %d: Jacobian differs from PyTorch's by %.3g", step+1, d)
		}
		if d := math.Abs(norms[step] - f.JacobianNorms[step]); d > 1e-12*math.Max(1, f.JacobianNorms[step]) {
			t.Errorf("step %d: spectral norm %v, PyTorch %v", step+1, norms[step], f.JacobianNorms[step])
		}
	}
}

// TestJacobiansMatchGoMLXGradient takes ∂h_T/∂h_0 row by row with
// graph.Gradient of h_T[i] with respect to h0 through pkg/rnn's RNN layer
// (float64), for a random SRN with H = 5 and T = 7.
func TestJacobiansMatchGoMLXGradient(t *testing.T) {
	const nh, ni, steps = 5, 3, 7
	s := rnn.SRN{W: randomNormal(nh, ni, 0.7, 1), U: randomNormal(nh, nh, 0.5, 2), BW: randomNormal(1, nh, 0.3, 3)[0],
		BU: randomNormal(1, nh, 0.3, 4)[0], V: identity(nh), Act: math.Tanh}
	xs, h0 := randomNormal(steps, ni, 1, 5), randomNormal(1, nh, 0.5, 6)[0]
	js, err := Jacobians(s, xs, h0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.New()
	layer, err := rnn.New(ctx.In("rnn"), ni, nh).DType(dtypes.Float64).Done()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []any{s.W, s.U, s.BW, s.BU} {
		if err := layer.NamedParameters()[i].Set(v); err != nil {
			t.Fatal(err)
		}
	}
	exec, err := context.NewExec(backend.MustGet(), ctx, func(ctx *context.Context, x, h *graph.Node) []*graph.Node {
		_, hN := layer.Forward(x, h) // [1, 1, H]
		rows := make([]*graph.Node, nh)
		for i := range nh {
			e := make([]float64, nh)
			e[i] = 1
			hi := graph.ReduceAllSum(graph.Mul(hN, graph.Const(x.Graph(), tensors.FromFlatDataAndDimensions(e, 1, 1, nh))))
			rows[i] = graph.Gradient(hi, h)[0]
		}
		return rows
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(tensors.FromFlatDataAndDimensions(Flatten(xs), steps, 1, ni), tensors.FromFlatDataAndDimensions(h0, 1, 1, nh))
	if err != nil {
		t.Fatal(err)
	}
	for i := range nh {
		if d := maxAbsDiff(t, "row", rnn.Float64s(res[i]), js[steps-1][i]); d > 1e-12 {
			t.Errorf("row %d of ∂h_T/∂h_0 differs from graph.Gradient's by %.3g", i, d)
		}
	}
}

func TestBPTTErrors(t *testing.T) {
	good := rnn.SRN{W: identity(2), U: identity(2), V: identity(2)}
	xs := [][]float64{{1, 2}, {3, 4}}
	dY := [][]float64{{1, 0}, {0, 1}}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"tanh-like activation", func() error {
			s := good
			s.Act = func(z float64) float64 { return math.Tanh(z) }
			_, err := BPTT(s, xs, nil, dY)
			return err
		}, "activation must be math.Tanh or none"},
		{"U shape", func() error {
			s := good
			s.U = [][]float64{{1, 2}}
			_, err := BPTT(s, xs, nil, dY)
			return err
		}, "U has 1 rows, want 2"},
		{"input size", func() error { _, err := BPTT(good, [][]float64{{1}}, nil, dY[:1]); return err },
			"the input sequence row 0 has 1 columns, want 2"},
		{"h0 size", func() error { _, err := BPTT(good, xs, []float64{1}, dY); return err }, "h0 has 1 values, want 2"},
		{"dY steps", func() error { _, err := BPTT(good, xs, nil, dY[:1]); return err }, "1 output gradients for 2 steps"},
		{"empty", func() error { _, err := BPTT(good, nil, nil, nil); return err }, "empty input sequence"},
		{"library needs tanh", func() error { _, _, _, err := LibraryGradients(good, xs, nil, dY); return err }, "must be math.Tanh"},
		{"jacobians bias", func() error {
			s := good
			s.BW = []float64{1}
			_, err := Jacobians(s, xs, nil)
			return err
		}, "BW has 1 values, want 2"},
		{"squared error", func() error { _, _, err := SquaredError(xs, dY[:1]); return err }, "2 outputs and 1 targets"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestBPTTFixtureIncomplete: a fixture without some arrays is an error that names them.
func TestBPTTFixtureIncomplete(t *testing.T) {
	var buf bytes.Buffer
	if err := numpy.ToNpzWriter(map[string]*tensors.Tensor{"weight_ih": tensors.FromValue([][]float64{{1}})}, &buf); err != nil {
		t.Fatal(err)
	}
	_, err := parseBPTTFixture(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "weight_hh") || !strings.Contains(err.Error(), "bptt_fixture.py") {
		t.Errorf("error %v, want one naming the missing arrays and the script", err)
	}
	if _, err := parseBPTTFixture([]byte("not a zip")); err == nil {
		t.Errorf("a broken fixture did not fail")
	}
}

const bpttFixturePath = "testdata/bptt.npz"

// TestBPTTFixtureIsRealPyTorch regenerates the fixture with PyTorch, where
// installed, and fails if any array differs from the committed one.
func TestBPTTFixtureIsRealPyTorch(t *testing.T) {
	py := pyref.Require(t, bpttFixturePath)
	path := filepath.Join(t.TempDir(), "bptt.npz")
	if out, err := exec.Command(py, "../../tools/pytorch/bptt_fixture.py", path).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	committed, err := numpy.FromNpzFile(bpttFixturePath)
	if err != nil {
		t.Fatal(err)
	}
	regenerated, err := numpy.FromNpzFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != len(regenerated) {
		t.Errorf("%d arrays committed, %d regenerated", len(committed), len(regenerated))
	}
	for k, v := range committed {
		w, ok := regenerated[k]
		if !ok {
			t.Errorf("%s: not regenerated", k)
			continue
		}
		if d := maxAbsDiff(t, k, rnn.Float64s(v), rnn.Float64s(w)); d > 1e-12 {
			t.Errorf("%s differs from the regenerated value by %.3g", k, d)
		}
	}
}
