package theory

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Gradients are the derivatives of a loss with respect to everything an
// rnn.SRN computes with, in the SRN's layout: W [H][I], U [H][H], V [O][H],
// BW, BU [H], BV [O], H0 [H], X [L][I]; Delta [L][H] is δ_t = ∂L/∂z_t, the
// error of the pre-activation z_t = W·x_t + b_W + U·h_{t−1} + b_U at every
// step (BPTT's recursion variable: nil where only the gradients are known,
// as in PyTorch's).
type Gradients struct {
	W, U, V    [][]float64
	BW, BU, BV []float64
	H0         []float64
	X          [][]float64
	Delta      [][]float64
}

// Named is one gradient under its name, its values flattened row by row.
type Named struct {
	Name   string
	Values []float64
}

// Named lists the gradients in a fixed order, PyTorch's names beside the
// SRN's: "W (weight_ih)", "U (weight_hh)", "b_W (bias_ih)", "b_U (bias_hh)",
// "V (linear.weight)", "b_V (linear.bias)", "h0", "x". Delta is left out.
func (g *Gradients) Named() []Named {
	return []Named{
		{"W (weight_ih)", Flatten(g.W)}, {"U (weight_hh)", Flatten(g.U)},
		{"b_W (bias_ih)", g.BW}, {"b_U (bias_hh)", g.BU},
		{"V (linear.weight)", Flatten(g.V)}, {"b_V (linear.bias)", g.BV},
		{"h0", g.H0}, {"x", Flatten(g.X)},
	}
}

//go:embed testdata/bptt.npz
var bpttFixture []byte

// PyTorchBPTT is what PyTorch 1.13's autograd computed for notebook 05's
// BPTT by hand (tools/pytorch/bptt_fixture.py, kept in testdata/bptt.npz
// and embedded here): notebook 01's random SRN weights
// (torch.manual_seed(2023)) in float64, 8 inputs (the seed's three, then
// five from N(0, 1)), a random h0, random targets and the loss
// Σ_t ½‖y_t − d_t‖².
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
		v := rnn.Float64s(t)
		return Reshape(v, len(v)/t.Shape().Dimensions[0])
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
	if jac := vector("jacobian"); jac != nil && len(f.H0) > 0 {
		n := len(f.H0)
		for t := 0; (t+1)*n*n <= len(jac); t++ {
			f.Jacobians = append(f.Jacobians, Reshape(jac[t*n*n:(t+1)*n*n], n))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("theory: the PyTorch BPTT fixture lacks %v (regenerate it with tools/pytorch/bptt_fixture.py)", missing)
	}
	return f, nil
}
