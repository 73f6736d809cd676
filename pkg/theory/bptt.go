package theory

import (
	"fmt"
	"math"
	"reflect"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// This file is backpropagation through time by hand: the δ recursion of
// NNDL §6.4 for rnn.SRN, in plain Go float64, and the chain of Jacobians
// ∂h_t/∂h_0 it multiplies.

// Gradients are the derivatives of a loss with respect to everything an
// rnn.SRN computes with, in the SRN's layout: W [H][I], U [H][H], V [O][H],
// BW, BU [H], BV [O], H0 [H], X [L][I]; Delta [L][H] is δ_t = ∂L/∂z_t, the
// error of the pre-activation z_t = W·x_t + b_W + U·h_{t−1} + b_U at every
// step (BPTT's recursion variable; the library's gradients leave it nil).
type Gradients struct {
	W, U, V    [][]float64
	BW, BU, BV []float64
	H0         []float64
	X          [][]float64
	Delta      [][]float64
}

// activationPrime returns the derivative of the SRN's activation as a
// function of its output h: 1 − h² for math.Tanh, 1 for none (nil or
// rnn.Identity). Other activations are an error: BPTT would need their
// derivative.
func activationPrime(act func(float64) float64) (func(h float64) float64, string, error) {
	if act == nil || sameFunc(act, rnn.Identity) {
		return func(float64) float64 { return 1 }, "identity", nil
	}
	if sameFunc(act, math.Tanh) {
		return func(h float64) float64 { return 1 - h*h }, "tanh", nil
	}
	return nil, "", fmt.Errorf("theory: the SRN's activation must be math.Tanh or none (nil or rnn.Identity), whose derivatives are known; got another function")
}

func sameFunc(a, b func(float64) float64) bool {
	return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

// checkSRN validates the SRN's matrices and the data's sizes, and returns
// H, I and O.
func checkSRN(who string, s rnn.SRN, xs [][]float64, h0 []float64) (h, i, o int, err error) {
	h, o = len(s.W), len(s.V)
	if h == 0 || o == 0 || len(s.W[0]) == 0 {
		return 0, 0, 0, fmt.Errorf("%s: the SRN needs W [H][I] and V [O][H] with H, I, O ≥ 1, got W with %d rows and V with %d", who, h, o)
	}
	i = len(s.W[0])
	shape := func(name string, m [][]float64, rows, cols int) error {
		if len(m) != rows {
			return fmt.Errorf("%s: %s has %d rows, want %d", who, name, len(m), rows)
		}
		for r, row := range m {
			if len(row) != cols {
				return fmt.Errorf("%s: %s row %d has %d columns, want %d", who, name, r, len(row), cols)
			}
		}
		return nil
	}
	vec := func(name string, v []float64, n int) error {
		if v != nil && len(v) != n {
			return fmt.Errorf("%s: %s has %d values, want %d (or nil)", who, name, len(v), n)
		}
		return nil
	}
	for _, e := range []error{shape("W", s.W, h, i), shape("U", s.U, h, h), shape("V", s.V, o, h),
		vec("BW", s.BW, h), vec("BU", s.BU, h), vec("BV", s.BV, o), vec("h0", h0, h)} {
		if e != nil {
			return 0, 0, 0, e
		}
	}
	if len(xs) == 0 {
		return 0, 0, 0, fmt.Errorf("%s: empty input sequence", who)
	}
	if err := shape("the input sequence", xs, len(xs), i); err != nil {
		return 0, 0, 0, err
	}
	return h, i, o, nil
}

// BPTT computes, from scratch, the gradients of a loss L = Σ_t ℓ_t(y_t) of
// the SRN's outputs over the sequence xs [L][I] from h0 [H] (nil: zeros),
// given dY [L][O], the derivatives ∂L/∂y_t (SquaredError returns them). It
// runs the SRN forward, keeping every h_t, then the δ recursion backwards:
//
//	∂L/∂h_t = Vᵀ·∂L/∂y_t + Uᵀ·δ_{t+1}        (δ_{L+1} = 0)
//	δ_t     = f′(z_t) ⊙ ∂L/∂h_t               (f′ = 1 − h_t² for tanh, 1 without activation)
//	∂L/∂W = Σ_t δ_t·x_tᵀ   ∂L/∂U = Σ_t δ_t·h_{t−1}ᵀ   ∂L/∂b_W = ∂L/∂b_U = Σ_t δ_t
//	∂L/∂V = Σ_t ∂L/∂y_t·h_tᵀ   ∂L/∂b_V = Σ_t ∂L/∂y_t   ∂L/∂h_0 = Uᵀ·δ_1   ∂L/∂x_t = Wᵀ·δ_t
//
// The activation must be math.Tanh or none (nil, rnn.Identity). Sizes that
// do not fit the SRN are an error that names them.
func BPTT(s rnn.SRN, xs [][]float64, h0 []float64, dY [][]float64) (*Gradients, error) {
	const who = "theory.BPTT"
	nh, ni, no, err := checkSRN(who, s, xs, h0)
	if err != nil {
		return nil, err
	}
	prime, _, err := activationPrime(s.Act)
	if err != nil {
		return nil, err
	}
	if len(dY) != len(xs) {
		return nil, fmt.Errorf("%s: %d output gradients for %d steps", who, len(dY), len(xs))
	}
	for t, g := range dY {
		if len(g) != no {
			return nil, fmt.Errorf("%s: the output gradient of step %d has %d values, want O = %d", who, t+1, len(g), no)
		}
	}
	if h0 == nil {
		h0 = make([]float64, nh)
	}
	hs, _ := s.Run(xs, h0)
	prev := func(t int) []float64 { // h_{t-1}, t counted from 0
		if t == 0 {
			return h0
		}
		return hs[t-1]
	}
	g := &Gradients{W: zeros(nh, ni), U: zeros(nh, nh), V: zeros(no, nh), BW: make([]float64, nh), BU: make([]float64, nh),
		BV: make([]float64, no), X: zeros(len(xs), ni), Delta: zeros(len(xs), nh)}
	next := make([]float64, nh) // δ_{t+1}
	for t := len(xs) - 1; t >= 0; t-- {
		dh := addVec(matTVec(s.V, dY[t]), matTVec(s.U, next)) // ∂L/∂h_t
		delta := g.Delta[t]
		for j := range delta {
			delta[j] = prime(hs[t][j]) * dh[j]
		}
		addOuter(g.W, delta, xs[t])
		addOuter(g.U, delta, prev(t))
		addOuter(g.V, dY[t], hs[t])
		for j := range delta {
			g.BW[j] += delta[j]
		}
		for o := range dY[t] {
			g.BV[o] += dY[t][o]
		}
		g.X[t] = matTVec(s.W, delta)
		next = delta
	}
	copy(g.BU, g.BW)
	g.H0 = matTVec(s.U, next)
	return g, nil
}

// SquaredError is the loss L = Σ_t ½‖y_t − d_t‖² of outputs ys [L][O]
// against targets [L][O], and its derivatives ∂L/∂y_t = y_t − d_t, the dY
// of BPTT.
func SquaredError(ys, targets [][]float64) (loss float64, dY [][]float64, err error) {
	if len(ys) != len(targets) {
		return 0, nil, fmt.Errorf("theory.SquaredError: %d outputs and %d targets", len(ys), len(targets))
	}
	dY = make([][]float64, len(ys))
	for t := range ys {
		if len(ys[t]) != len(targets[t]) {
			return 0, nil, fmt.Errorf("theory.SquaredError: step %d has %d outputs and %d targets", t+1, len(ys[t]), len(targets[t]))
		}
		dY[t] = make([]float64, len(ys[t]))
		for o := range ys[t] {
			d := ys[t][o] - targets[t][o]
			dY[t][o] = d
			loss += d * d / 2
		}
	}
	return loss, dY, nil
}

// Jacobians returns ∂h_t/∂h_0 [H][H] for t = 1…L along the SRN's run over
// xs [L][I] from h0 (nil: zeros), the chain BPTT multiplies:
//
//	∂h_t/∂h_{t−1} = diag(f′(z_t))·U      ∂h_t/∂h_0 = ∂h_t/∂h_{t−1} · ∂h_{t−1}/∂h_0
//
// Entry [t−1][i][j] is ∂h_t[i]/∂h_0[j]. Same requirements as BPTT.
func Jacobians(s rnn.SRN, xs [][]float64, h0 []float64) ([][][]float64, error) {
	nh, _, _, err := checkSRN("theory.Jacobians", s, xs, h0)
	if err != nil {
		return nil, err
	}
	prime, _, err := activationPrime(s.Act)
	if err != nil {
		return nil, err
	}
	if h0 == nil {
		h0 = make([]float64, nh)
	}
	hs, _ := s.Run(xs, h0)
	out := make([][][]float64, len(xs))
	j := identity(nh)
	for t := range xs {
		step := zeros(nh, nh) // diag(f'(z_t))·U
		for r := range step {
			d := prime(hs[t][r])
			for c := range step[r] {
				step[r][c] = d * s.U[r][c]
			}
		}
		j = matMul(step, j)
		out[t] = j
	}
	return out, nil
}

// JacobianNorms returns the spectral norms ‖∂h_t/∂h_0‖₂ (largest singular
// value, see SpectralNorm) for t = 1…L: how much a change of the initial
// state can be amplified (> 1) or is damped (< 1) after t steps — and, read
// backwards, how much of a gradient at step t reaches h_0.
func JacobianNorms(s rnn.SRN, xs [][]float64, h0 []float64) ([]float64, error) {
	js, err := Jacobians(s, xs, h0)
	if err != nil {
		return nil, err
	}
	norms := make([]float64, len(js))
	for t, j := range js {
		norms[t] = SpectralNorm(j)
	}
	return norms, nil
}

func zeros(rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for r := range m {
		m[r] = make([]float64, cols)
	}
	return m
}

func identity(n int) [][]float64 {
	m := zeros(n, n)
	for i := range m {
		m[i][i] = 1
	}
	return m
}

// matTVec is mᵀ·v for m [R][C] and v [R]: [C].
func matTVec(m [][]float64, v []float64) []float64 {
	out := make([]float64, len(m[0]))
	for r, row := range m {
		for c, x := range row {
			out[c] += x * v[r]
		}
	}
	return out
}

func addVec(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

// addOuter adds a·bᵀ to m.
func addOuter(m [][]float64, a, b []float64) {
	for r := range a {
		for c := range b {
			m[r][c] += a[r] * b[c]
		}
	}
}

// matMul is a·b.
func matMul(a, b [][]float64) [][]float64 {
	out := zeros(len(a), len(b[0]))
	for r := range a {
		for k, x := range a[r] {
			if x == 0 {
				continue
			}
			for c, y := range b[k] {
				out[r][c] += x * y
			}
		}
	}
	return out
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

// Flatten returns the rows of m one after the other.
func Flatten(m [][]float64) []float64 {
	var v []float64
	for _, row := range m {
		v = append(v, row...)
	}
	return v
}
