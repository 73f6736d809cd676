package theory

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file is the little linear algebra notebook 05 needs, in plain Go
// float64 on matrices stored as rows ([][]float64, [R][C]): NumPy-like
// helpers for its BPTT by hand and its Jacobian chains (Zeros, Eye, MatMul,
// MatTVec, AddOuter, Scale, Flatten, Reshape), the spectral norm and the
// spectral radius of a matrix, and random matrices (RandomNormal, and
// RandomRecurrent with a chosen spectral radius).

// Zeros is an r×c matrix of zeros, np.zeros((r, c)).
func Zeros(r, c int) [][]float64 {
	m := make([][]float64, r)
	for i := range m {
		m[i] = make([]float64, c)
	}
	return m
}

// Eye is the n×n identity matrix, np.eye(n).
func Eye(n int) [][]float64 {
	m := Zeros(n, n)
	for i := range m {
		m[i][i] = 1
	}
	return m
}

// MatMul is the matrix product a·b of a [R][K] and b [K][C]: [R][C].
func MatMul(a, b [][]float64) [][]float64 {
	out := Zeros(len(a), len(b[0]))
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

// MatTVec is mᵀ·v for m [R][C] and v [R]: a new vector [C] (m.T @ v).
func MatTVec(m [][]float64, v []float64) []float64 {
	out := make([]float64, len(m[0]))
	for r, row := range m {
		for c, x := range row {
			out[c] += x * v[r]
		}
	}
	return out
}

// AddOuter adds the outer product a·bᵀ to m [len(a)][len(b)], in place
// (m += np.outer(a, b)).
func AddOuter(m [][]float64, a, b []float64) {
	for r := range a {
		for c := range b {
			m[r][c] += a[r] * b[c]
		}
	}
}

// Scale returns f·m, a new matrix.
func Scale(m [][]float64, f float64) [][]float64 {
	out := Zeros(len(m), len(m[0]))
	for r := range m {
		for c, v := range m[r] {
			out[r][c] = v * f
		}
	}
	return out
}

// Flatten returns the rows of m one after the other (m.flatten()).
func Flatten(m [][]float64) []float64 {
	var v []float64
	for _, row := range m {
		v = append(v, row...)
	}
	return v
}

// Reshape cuts v into rows of cols values (v.reshape(-1, cols)), copying
// them. It panics if cols does not divide len(v).
func Reshape(v []float64, cols int) [][]float64 {
	if cols <= 0 || len(v)%cols != 0 {
		panic(fmt.Sprintf("theory.Reshape: %d values do not make rows of %d", len(v), cols))
	}
	m := Zeros(len(v)/cols, cols)
	for r := range m {
		copy(m[r], v[r*cols:(r+1)*cols])
	}
	return m
}

func transpose(m [][]float64) [][]float64 {
	out := Zeros(len(m[0]), len(m))
	for r := range m {
		for c, v := range m[r] {
			out[c][r] = v
		}
	}
	return out
}

// SpectralNorm is ‖m‖₂, the largest singular value of m [R][C] (the
// operator norm: the most m can stretch a vector, max ‖m·v‖/‖v‖), computed
// with one-sided Jacobi rotations (Hestenes' SVD) to full float64 accuracy.
// It is at most the Frobenius norm √(Σ m_ij²) and at least that divided by
// √min(R, C). An empty matrix has norm 0; rows of different lengths panic.
func SpectralNorm(m [][]float64) float64 {
	if len(m) == 0 || len(m[0]) == 0 {
		return 0
	}
	rows, cols := len(m), len(m[0])
	// Work on the columns of m (or of mᵀ if it is wide: same singular values).
	a := m
	if cols > rows {
		a = transpose(m)
		rows, cols = cols, rows
	}
	scale := 0.0
	for _, row := range a {
		if len(row) != cols {
			panic(fmt.Sprintf("theory.SpectralNorm: rows of different lengths %d and %d", len(row), cols))
		}
		for _, v := range row {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
		return scale
	}
	u := Zeros(rows, cols) // columns scaled to max |entry| 1, then rotated until orthogonal
	for r := range a {
		for c := range a[r] {
			u[r][c] = a[r][c] / scale
		}
	}
	const eps = 1e-15
	for sweep := 0; sweep < 60; sweep++ {
		rotated := false
		for p := 0; p < cols-1; p++ {
			for q := p + 1; q < cols; q++ {
				var alpha, beta, gamma float64
				for r := range u {
					alpha += u[r][p] * u[r][p]
					beta += u[r][q] * u[r][q]
					gamma += u[r][p] * u[r][q]
				}
				if gamma == 0 || math.Abs(gamma) <= eps*math.Sqrt(alpha*beta) {
					continue
				}
				rotated = true
				zeta := (beta - alpha) / (2 * gamma)
				t := math.Copysign(1, zeta) / (math.Abs(zeta) + math.Sqrt(1+zeta*zeta))
				c := 1 / math.Sqrt(1+t*t)
				s := c * t
				for r := range u {
					up, uq := u[r][p], u[r][q]
					u[r][p], u[r][q] = c*up-s*uq, s*up+c*uq
				}
			}
		}
		if !rotated {
			break
		}
	}
	largest := 0.0
	for c := 0; c < cols; c++ {
		var n float64
		for r := range u {
			n += u[r][c] * u[r][c]
		}
		largest = math.Max(largest, n)
	}
	return scale * math.Sqrt(largest)
}

// SpectralRadius is ρ(m), the largest modulus of the eigenvalues of the
// square matrix m [N][N] (complex ones included), by Gelfand's formula
// ρ(m) = lim_k ‖m^k‖^{1/k} with k = 2^60, reached by squaring 60 times and
// renormalising at every squaring (so nothing overflows). For the powers
// of m, ρ decides the long run: ‖m^k‖ shrinks like ρ^k if ρ < 1 and grows
// like ρ^k if ρ > 1, whatever the norm. A non-square matrix panics.
func SpectralRadius(m [][]float64) float64 {
	n := len(m)
	for _, row := range m {
		if len(row) != n {
			panic(fmt.Sprintf("theory.SpectralRadius: want a square matrix, got a row of %d in %d rows", len(row), n))
		}
	}
	frob := func(b [][]float64) float64 {
		s := 0.0
		for _, row := range b {
			for _, v := range row {
				s += v * v
			}
		}
		return math.Sqrt(s)
	}
	norm := frob(m)
	if norm == 0 || n == 0 {
		return 0
	}
	b := Scale(m, 1/norm)
	logRho := math.Log(norm)
	weight := 1.0
	for range 60 {
		b = MatMul(b, b)
		weight /= 2
		norm = frob(b)
		if norm == 0 { // nilpotent
			return 0
		}
		b = Scale(b, 1/norm)
		logRho += weight * math.Log(norm)
	}
	return math.Exp(logRho)
}

// RandomNormal is an r×c matrix with entries drawn from N(0, std²) by
// math/rand/v2's PCG seeded with seed (the same seed, the same matrix).
func RandomNormal(r, c int, std float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x9a11))
	m := Zeros(r, c)
	for i := range m {
		for j := range m[i] {
			m[i][j] = std * rng.NormFloat64()
		}
	}
	return m
}

// RandomRecurrent returns an n×n matrix with entries drawn from N(0, 1/n)
// (RandomNormal(n, n, 1/√n, seed)), rescaled so that its spectral radius is
// exactly radius: a recurrent matrix W_hh (U of rnn.SRN) for gradient-flow
// experiments. (By the circular law such a matrix has ρ ≈ 1 before
// rescaling, and a spectral norm ‖·‖₂ ≈ 2ρ.) It fails for n < 1 or a radius
// that is not positive.
func RandomRecurrent(n int, radius float64, seed uint64) ([][]float64, error) {
	if n < 1 || !(radius > 0) || math.IsInf(radius, 0) {
		return nil, fmt.Errorf("theory.RandomRecurrent: want n ≥ 1 and a positive radius, got n=%d, radius=%g", n, radius)
	}
	m := RandomNormal(n, n, 1/math.Sqrt(float64(n)), seed)
	return Scale(m, radius/SpectralRadius(m)), nil
}
