package theory

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// LibraryGradients computes what BPTT computes by hand, with pkg/rnn's
// layers in float64: rnn.New(I, H) (tanh, PyTorch's nn.RNN) and
// rnn.NewLinear(H, O) given the SRN's weights (W → weight_ih_l0,
// U → weight_hh_l0, b_W → bias_ih_l0, b_U → bias_hh_l0, V and b_V → the
// Linear layer; nil biases are zeros), run over xs [L][I] from h0 [H]
// (nil: zeros), and GoMLX's graph.Gradient of the squared-error loss
// L = Σ_t ½‖y_t − d_t‖² against targets [L][O] — through pkg/rnn's
// hand-derived gradients of the RNN layer (its default). It returns the
// gradients (Delta nil), the loss and the states h_t [L][H]. The SRN's
// activation must be math.Tanh: nn.RNN has no identity nonlinearity.
func LibraryGradients(s rnn.SRN, xs [][]float64, h0 []float64, targets [][]float64) (g *Gradients, loss float64, hs [][]float64, err error) {
	const who = "theory.LibraryGradients"
	nh, ni, no, err := checkSRN(who, s, xs, h0)
	if err != nil {
		return nil, 0, nil, err
	}
	if _, name, err := activationPrime(s.Act); err != nil || name != "tanh" {
		return nil, 0, nil, fmt.Errorf("%s: pkg/rnn's RNN computes tanh (or relu): the SRN's activation must be math.Tanh", who)
	}
	if len(targets) != len(xs) {
		return nil, 0, nil, fmt.Errorf("%s: %d targets for %d steps", who, len(targets), len(xs))
	}
	for t, d := range targets {
		if len(d) != no {
			return nil, 0, nil, fmt.Errorf("%s: the target of step %d has %d values, want O = %d", who, t+1, len(d), no)
		}
	}
	b, err := backend.Get()
	if err != nil {
		return nil, 0, nil, err
	}
	ctx := context.New()
	layer, err := rnn.New(ctx.In("rnn"), ni, nh).DType(dtypes.Float64).Done()
	if err != nil {
		return nil, 0, nil, err
	}
	linear, err := rnn.NewLinear(ctx.In("linear"), nh, no).DType(dtypes.Float64).Done()
	if err != nil {
		return nil, 0, nil, err
	}
	orZeros := func(v []float64, n int) []float64 {
		if v == nil {
			return make([]float64, n)
		}
		return v
	}
	sets := []struct {
		p     rnn.Parameter
		value any
	}{
		{layer.NamedParameters()[0], s.W}, {layer.NamedParameters()[1], s.U},
		{layer.NamedParameters()[2], orZeros(s.BW, nh)}, {layer.NamedParameters()[3], orZeros(s.BU, nh)},
		{linear.Weight(), s.V}, {linear.BiasParam(), orZeros(s.BV, no)},
	}
	for _, set := range sets {
		if err := set.p.Set(set.value); err != nil {
			return nil, 0, nil, fmt.Errorf("%s: %w", who, err)
		}
	}
	params := []rnn.Parameter{sets[0].p, sets[1].p, sets[2].p, sets[3].p, sets[4].p, sets[5].p}
	flat := func(m [][]float64, dims ...int) *tensors.Tensor {
		return tensors.FromFlatDataAndDimensions(Flatten(m), dims...)
	}
	seqLen := len(xs)
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, inputs []*graph.Node) []*graph.Node {
		x, h, d := inputs[0], inputs[1], inputs[2] // [L, 1, I], [1, 1, H], [L, O]
		out, _ := layer.Forward(x, h)              // [L, 1, H]
		y := graph.Reshape(linear.Forward(out), seqLen, no)
		diff := graph.Sub(y, d)
		loss := graph.MulScalar(graph.ReduceAllSum(graph.Mul(diff, diff)), 0.5)
		wrt := make([]*graph.Node, 0, len(params)+2)
		for _, p := range params {
			wrt = append(wrt, p.Variable.ValueGraph(x.Graph()))
		}
		wrt = append(wrt, x, h)
		return append([]*graph.Node{loss, out}, graph.Gradient(loss, wrt...)...)
	})
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", who, err)
	}
	res, err := exec.Exec(flat(xs, seqLen, 1, ni), tensors.FromFlatDataAndDimensions(orZeros(h0, nh), 1, 1, nh), flat(targets, seqLen, no))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%s: %w", who, err)
	}
	matrix := func(t *tensors.Tensor, rows, cols int) [][]float64 {
		v := rnn.Float64s(t)
		m := zeros(rows, cols)
		for r := range m {
			copy(m[r], v[r*cols:(r+1)*cols])
		}
		return m
	}
	grads := res[2:]
	g = &Gradients{
		W: matrix(grads[0], nh, ni), U: matrix(grads[1], nh, nh),
		BW: rnn.Float64s(grads[2]), BU: rnn.Float64s(grads[3]),
		V: matrix(grads[4], no, nh), BV: rnn.Float64s(grads[5]),
		X: matrix(grads[6], seqLen, ni), H0: rnn.Float64s(grads[7]),
	}
	return g, rnn.Float64s(res[0])[0], matrix(res[1], seqLen, nh), nil
}

//go:embed testdata/bptt.npz
var bpttFixture []byte

// PyTorchBPTT is what PyTorch 1.13's autograd computed for section 1's SRN
// (tools/pytorch/bptt_fixture.py, kept in testdata/bptt.npz and embedded
// here): notebook 01's random weights (torch.manual_seed(2023)) in float64,
// 8 inputs (the seed's three, then five from N(0, 1)), a random h0, random
// targets and the loss Σ_t ½‖y_t − d_t‖².
type PyTorchBPTT struct {
	// SRN has the weights, with Act = math.Tanh.
	SRN     rnn.SRN
	X       [][]float64 // [L][I] inputs
	H0      []float64   // [H]
	Targets [][]float64 // [L][O]
	H, Y    [][]float64 // PyTorch's states and outputs
	Loss    float64
	// Grads are autograd's gradients (Delta nil).
	Grads Gradients
	// Jacobians [L][H][H] are ∂h_t/∂h_0 (torch.autograd.functional.jacobian)
	// and JacobianNorms their spectral norms (torch.linalg.matrix_norm(ord=2)).
	Jacobians     [][][]float64
	JacobianNorms []float64
}

// LoadPyTorchBPTT reads the embedded fixture (see PyTorchBPTT).
func LoadPyTorchBPTT() (*PyTorchBPTT, error) { return parseBPTTFixture(bpttFixture) }

func parseBPTTFixture(data []byte) (*PyTorchBPTT, error) {
	arrays, err := numpy.FromNpzReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("theory: reading the PyTorch BPTT fixture: %w", err)
	}
	var missing []string
	get := func(name string) *tensors.Tensor {
		t, ok := arrays[name]
		if !ok {
			missing = append(missing, name)
		}
		return t
	}
	matrix := func(name string) [][]float64 {
		t := get(name)
		if t == nil {
			return nil
		}
		dims := t.Shape().Dimensions
		v := rnn.Float64s(t)
		m := zeros(dims[0], len(v)/dims[0])
		for r := range m {
			copy(m[r], v[r*len(m[r]):(r+1)*len(m[r])])
		}
		return m
	}
	vector := func(name string) []float64 {
		if t := get(name); t != nil {
			return rnn.Float64s(t)
		}
		return nil
	}
	f := &PyTorchBPTT{
		SRN: rnn.SRN{W: matrix("weight_ih"), U: matrix("weight_hh"), BW: vector("bias_ih"), BU: vector("bias_hh"),
			V: matrix("linear.weight"), BV: vector("linear.bias"), Act: math.Tanh},
		X: matrix("x"), H0: vector("h0"), Targets: matrix("targets"), H: matrix("h"), Y: matrix("y"),
		Grads: Gradients{W: matrix("grad.weight_ih"), U: matrix("grad.weight_hh"), BW: vector("grad.bias_ih"),
			BU: vector("grad.bias_hh"), V: matrix("grad.linear.weight"), BV: vector("grad.linear.bias"),
			X: matrix("grad.x"), H0: vector("grad.h0")},
		JacobianNorms: vector("jacobian_norm"),
	}
	if loss := vector("loss"); len(loss) == 1 {
		f.Loss = loss[0]
	}
	if jac := vector("jacobian"); jac != nil {
		n := len(f.H0)
		for t := 0; t*n*n < len(jac); t++ {
			m := zeros(n, n)
			for r := range m {
				copy(m[r], jac[t*n*n+r*n:t*n*n+(r+1)*n])
			}
			f.Jacobians = append(f.Jacobians, m)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("theory: the PyTorch BPTT fixture lacks %v (regenerate it with tools/pytorch/bptt_fixture.py)", missing)
	}
	return f, nil
}
