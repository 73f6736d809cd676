package rnn

import (
	"fmt"
)

// This file is the from-scratch reference, separate from the GoMLX layers:
// a simple recurrent network in plain Go float64 with explicit weight
// matrices (SRN, with Dot and Identity), the analogue of the homework's NumPy
// code. Notebook 01 and the tests use it to check the layers; nothing here
// builds a graph.

// Dot is the dot product of two equally long vectors, like np.dot on 1-D
// arrays. It panics if the lengths differ.
func Dot(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("rnn.Dot: vectors of different lengths %d and %d", len(a), len(b)))
	}
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Identity is the "no activation" of the seed's part (1). (For part (2)'s
// tanh pass math.Tanh.)
func Identity(z float64) float64 { return z }

// SRN is a simple recurrent network with one hidden layer and a linear output:
//
//	h_t = act(W·x_t + b_W + U·h_{t-1} + b_U)      y_t = V·h_t + b_V
//
// W is [H][I], U is [H][H] and V is [O][H], row per output unit, as PyTorch
// lays its weights out. Nil biases are zero; a nil Act is Identity.
//
// The seed's NumPy code is this SRN with H = I = O = 2, every weight 1 and no
// biases: its in_h1 = [w1,w3]·x + [U2,U4]·state is row 0 of W and U, so
// W = [[w1,w3],[w2,w4]], U = [[U2,U4],[U1,U3]], V = [[w5,w7],[w6,w8]].
type SRN struct {
	W, U, V    [][]float64
	BW, BU, BV []float64
	Act        func(float64) float64
}

// Step computes one step: the new state h' [H] and the output y [O] from an
// input x [I] and the previous state h [H].
func (s SRN) Step(x, h []float64) (hNew, y []float64) {
	act := s.Act
	if act == nil {
		act = Identity
	}
	hNew = make([]float64, len(s.W))
	for i := range s.W {
		z := Dot(s.W[i], x) + Dot(s.U[i], h)
		if s.BW != nil {
			z += s.BW[i]
		}
		if s.BU != nil {
			z += s.BU[i]
		}
		hNew[i] = act(z)
	}
	y = make([]float64, len(s.V))
	for o := range s.V {
		y[o] = Dot(s.V[o], hNew)
		if s.BV != nil {
			y[o] += s.BV[o]
		}
	}
	return hNew, y
}

// Run applies Step over a sequence xs [L][I] from h0 [H] (nil for zeros) and
// returns every state hs [L][H] and output ys [L][O].
func (s SRN) Run(xs [][]float64, h0 []float64) (hs, ys [][]float64) {
	h := h0
	if h == nil {
		h = make([]float64, len(s.W))
	}
	for _, x := range xs {
		var y []float64
		h, y = s.Step(x, h)
		hs = append(hs, h)
		ys = append(ys, y)
	}
	return hs, ys
}
