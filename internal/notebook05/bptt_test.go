package notebook05

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
	"github.com/nndl-hw9/rnngo/pkg/theory"
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

func compareGradients(t *testing.T, who string, got, want *theory.Gradients, tol float64) {
	t.Helper()
	w := want.Named()
	for i, g := range got.Named() {
		if d := maxAbsDiff(t, g.Name, g.Values, w[i].Values); d > tol {
			t.Errorf("%s: gradient %s differs by %.3g (> %g):\n got  %v\n want %v", who, g.Name, d, tol, g.Values, w[i].Values)
		}
	}
}

// TestBPTTByHand compares the notebook's BPTT by hand with PyTorch's
// autograd (pkg/theory's fixture) and with its pkg/rnn + graph.Gradient
// version, in float64: equal to 1e-10.
func TestBPTTByHand(t *testing.T) {
	f, err := theory.LoadPyTorchBPTT()
	if err != nil {
		t.Fatal(err)
	}
	hs, ys := f.SRN.Run(f.X, f.H0)
	if d := maxAbsDiff(t, "h", theory.Flatten(hs), theory.Flatten(f.H)); d > 1e-12 {
		t.Errorf("states differ from PyTorch's by %.3g", d)
	}
	loss, dY := squaredError(ys, f.Targets)
	if math.Abs(loss-f.Loss) > 1e-12 {
		t.Errorf("loss %v, PyTorch %v", loss, f.Loss)
	}
	byHand := bptt(f.SRN, f.X, f.H0, dY)
	compareGradients(t, "by hand vs PyTorch", byHand, &f.Grads, 1e-10)
	libLoss, lib := libraryGradients(f.SRN, f.X, f.H0, f.Targets)
	if math.Abs(libLoss-f.Loss) > 1e-12 {
		t.Errorf("pkg/rnn's loss %v, PyTorch %v", libLoss, f.Loss)
	}
	compareGradients(t, "by hand vs pkg/rnn", byHand, lib, 1e-10)
	// δ_1 is the error of the first pre-activation: ∂L/∂h0 = Uᵀ·δ_1 and ∂L/∂x_1 = Wᵀ·δ_1.
	if d := maxAbsDiff(t, "h0 from δ_1", theory.MatTVec(f.SRN.U, byHand.Delta[0]), f.Grads.H0); d > 1e-10 {
		t.Errorf("Uᵀ·δ_1 differs from ∂L/∂h0 by %.3g", d)
	}
}

// TestBPTTFiniteDifferences checks BPTT by hand on random tanh SRNs, with
// biases and without (nil), against central finite differences of the loss.
func TestBPTTFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(r, c int) [][]float64 {
		m := theory.Zeros(r, c)
		for i := range m {
			for j := range m[i] {
				m[i][j] = rng.NormFloat64() * 0.5
			}
		}
		return m
	}
	for _, biases := range []bool{false, true} {
		s := rnn.SRN{W: random(3, 2), U: random(3, 3), V: random(2, 3), Act: math.Tanh}
		if biases {
			s.BW, s.BU, s.BV = random(1, 3)[0], random(1, 3)[0], random(1, 2)[0]
		}
		xs, targets, h0 := random(5, 2), random(5, 2), random(1, 3)[0]
		lossOf := func() float64 {
			_, ys := s.Run(xs, h0)
			l, _ := squaredError(ys, targets)
			return l
		}
		_, ys := s.Run(xs, h0)
		_, dY := squaredError(ys, targets)
		g := bptt(s, xs, h0, dY)
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
		check := func(name string, params, grads [][]float64) {
			for i := range params {
				for j := range params[i] {
					if want := numeric(&params[i][j]); math.Abs(grads[i][j]-want) > 1e-6 {
						t.Errorf("biases %v: ∂L/∂%s[%d][%d] = %v, finite differences %v", biases, name, i, j, grads[i][j], want)
					}
				}
			}
		}
		check("W", s.W, g.W)
		check("U", s.U, g.U)
		check("V", s.V, g.V)
		check("x", xs, g.X)
		check("h0", [][]float64{h0}, [][]float64{g.H0})
		if biases {
			check("b_W", [][]float64{s.BW}, [][]float64{g.BW})
			check("b_U", [][]float64{s.BU}, [][]float64{g.BU})
			check("b_V", [][]float64{s.BV}, [][]float64{g.BV})
		}
	}
}

// TestJacobiansMatchPyTorch compares ∂h_t/∂h_0 and their spectral norms
// with torch.autograd.functional.jacobian and torch.linalg.matrix_norm(ord=2).
func TestJacobiansMatchPyTorch(t *testing.T) {
	f, err := theory.LoadPyTorchBPTT()
	if err != nil {
		t.Fatal(err)
	}
	js := jacobians(f.SRN, f.X, f.H0, tanhPrime)
	if len(js) != len(f.Jacobians) {
		t.Fatalf("%d Jacobians, PyTorch %d", len(js), len(f.Jacobians))
	}
	for step := range js {
		if d := maxAbsDiff(t, "jacobian", theory.Flatten(js[step]), theory.Flatten(f.Jacobians[step])); d > 1e-12 {
			t.Errorf("step %d: Jacobian differs from PyTorch's by %.3g", step+1, d)
		}
		norm := theory.SpectralNorm(js[step])
		if d := math.Abs(norm - f.JacobianNorms[step]); d > 1e-12*math.Max(1, f.JacobianNorms[step]) {
			t.Errorf("step %d: spectral norm %v, PyTorch %v", step+1, norm, f.JacobianNorms[step])
		}
	}
}

// TestJacobiansMatchGoMLXGradient takes ∂h_T/∂h_0 row by row with
// graph.Gradient of h_T[i] with respect to h0 through pkg/rnn's RNN layer
// (float64), for a random SRN with H = 5 and T = 7.
func TestJacobiansMatchGoMLXGradient(t *testing.T) {
	const nh, ni, steps = 5, 3, 7
	s := rnn.SRN{W: theory.RandomNormal(nh, ni, 0.7, 1), U: theory.RandomNormal(nh, nh, 0.5, 2),
		BW: theory.RandomNormal(1, nh, 0.3, 3)[0], BU: theory.RandomNormal(1, nh, 0.3, 4)[0], V: theory.Eye(nh), Act: math.Tanh}
	xs, h0 := theory.RandomNormal(steps, ni, 1, 5), theory.RandomNormal(1, nh, 0.5, 6)[0]
	js := jacobians(s, xs, h0, tanhPrime)
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
	res, err := exec.Exec(tensors.FromFlatDataAndDimensions(theory.Flatten(xs), steps, 1, ni), tensors.FromFlatDataAndDimensions(h0, 1, 1, nh))
	if err != nil {
		t.Fatal(err)
	}
	for i := range nh {
		if d := maxAbsDiff(t, "row", rnn.Float64s(res[i]), js[steps-1][i]); d > 1e-12 {
			t.Errorf("row %d of ∂h_T/∂h_0 differs from graph.Gradient's by %.3g", i, d)
		}
	}
}

// TestFlow checks the gradient-flow curves: without activation
// ‖∂h_T/∂h_0‖ = ‖U^T‖ decays, stays and grows by ρ a step; with tanh it
// decays for every radius here.
func TestFlow(t *testing.T) {
	curves := flow(32, 50, []float64{0.5, 1, 1.5}, 1)
	if len(curves) != 6 {
		t.Fatalf("%d curves, want 6", len(curves))
	}
	for _, c := range curves {
		if len(c.Norms) != 50 {
			t.Fatalf("ρ=%g %s: %d norms, want 50", c.Radius, c.Activation, len(c.Norms))
		}
		if want := map[float64]string{0.5: "decays", 1: "stays", 1.5: "grows"}[c.Radius]; c.Activation == "none" && c.Verdict() != want ||
			c.Activation == "tanh" && c.Verdict() != "decays" {
			t.Errorf("ρ=%g %s: verdict %q", c.Radius, c.Activation, c.Verdict())
		}
		if c.Activation == "none" {
			if math.Abs(c.Rate()-c.Radius) > 0.01 {
				t.Errorf("ρ=%g without activation: %v a step, want ρ", c.Radius, c.Rate())
			}
			if u, _ := theory.RandomRecurrent(32, c.Radius, 1); math.Abs(c.NormU-theory.SpectralNorm(u)) > 1e-12 {
				t.Errorf("‖U‖₂ recorded %v", c.NormU)
			}
		} else if c.Rate() >= 1 {
			t.Errorf("ρ=%g with tanh: %v a step, expected decay (saturated tanh′ < 1)", c.Radius, c.Rate())
		}
	}
	last := func(i int) float64 { return curves[i].Norms[49] }
	if !(last(1) < 1e-10 && last(3) > 0.1 && last(3) < 10 && last(5) > 1e6) {
		t.Errorf("without activation ‖J_50‖ = %v, %v, %v: want decay, stay, grow", last(1), last(3), last(5))
	}
	// Without activation the chain is U^T: its norm is the norm of U's T-th power.
	u, _ := theory.RandomRecurrent(32, 1.5, 1)
	p := theory.Eye(32)
	for range 10 {
		p = theory.MatMul(u, p)
	}
	if got, want := curves[5].Norms[9], theory.SpectralNorm(p); math.Abs(got-want) > 1e-12*want {
		t.Errorf("ρ=1.5 without activation: ‖∂h_10/∂h_0‖ = %v, ‖U^10‖ = %v", got, want)
	}
}
