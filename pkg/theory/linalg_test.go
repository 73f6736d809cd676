package theory

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// householder returns I − 2vvᵀ/vᵀv, an orthogonal matrix.
func householder(v []float64) [][]float64 {
	n := len(v)
	vv := 0.0
	for _, x := range v {
		vv += x * x
	}
	m := Eye(n)
	for i := range n {
		for j := range n {
			m[i][j] -= 2 * v[i] * v[j] / vv
		}
	}
	return m
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestMatrixHelpers(t *testing.T) {
	a := [][]float64{{1, 2, 3}, {4, 5, 6}}
	if got, want := MatMul(a, [][]float64{{1, 0}, {0, 1}, {1, 1}}), [][]float64{{4, 5}, {10, 11}}; !reflect.DeepEqual(got, want) {
		t.Errorf("MatMul = %v, want %v", got, want)
	}
	if got, want := MatTVec(a, []float64{1, -1}), []float64{-3, -3, -3}; !reflect.DeepEqual(got, want) {
		t.Errorf("MatTVec = %v, want %v", got, want)
	}
	m := Zeros(2, 3)
	AddOuter(m, []float64{1, 2}, []float64{1, 0, -1})
	AddOuter(m, []float64{1, 0}, []float64{0, 1, 0})
	if want := [][]float64{{1, 1, -1}, {2, 0, -2}}; !reflect.DeepEqual(m, want) {
		t.Errorf("AddOuter gives %v, want %v", m, want)
	}
	if got := Flatten(a); !reflect.DeepEqual(got, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("Flatten = %v", got)
	}
	if got := Reshape(Flatten(a), 2); !reflect.DeepEqual(got, [][]float64{{1, 2}, {3, 4}, {5, 6}}) {
		t.Errorf("Reshape = %v", got)
	}
	if got := Scale(a, 0.5); !reflect.DeepEqual(got, [][]float64{{0.5, 1, 1.5}, {2, 2.5, 3}}) || a[0][0] != 1 {
		t.Errorf("Scale = %v (a = %v)", got, a)
	}
	if got := MatMul(Eye(2), a); !reflect.DeepEqual(got, a) {
		t.Errorf("Eye(2)·a = %v", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "do not make rows of 4") {
			t.Errorf("Reshape of 6 values into rows of 4: panic %v", r)
		}
	}()
	Reshape(Flatten(a), 4)
}

func TestSpectralNorm(t *testing.T) {
	// Q·diag(s)·P with orthogonal Q and P has singular values s.
	q := MatMul(householder([]float64{1, -2, 0.5, 3}), householder([]float64{0.3, 1, -1, 2}))
	p := householder([]float64{2, 1, 1, -0.5})
	for _, s := range [][]float64{{3, 1, 0.5, 0.1}, {1e-20, 2e-20, 0, 0}, {7, 7, 1, 0}, {1e8, 1, 1, 1}} {
		d := Zeros(4, 4)
		for i := range s {
			d[i][i] = s[i]
		}
		m := MatMul(MatMul(q, d), p)
		want := 0.0
		for _, x := range s {
			want = math.Max(want, x)
		}
		if got := SpectralNorm(m); math.Abs(got-want) > 1e-13*want {
			t.Errorf("singular values %v: spectral norm %v, want %v", s, got, want)
		}
	}
	// Rectangular, both ways: [[3, 4]] has norm 5.
	if got := SpectralNorm([][]float64{{3, 4}}); math.Abs(got-5) > 1e-14 {
		t.Errorf("‖[3 4]‖₂ = %v, want 5", got)
	}
	if got := SpectralNorm([][]float64{{3}, {4}}); math.Abs(got-5) > 1e-14 {
		t.Errorf("‖[3 4]ᵀ‖₂ = %v, want 5", got)
	}
	if got := SpectralNorm(Zeros(3, 3)); got != 0 {
		t.Errorf("‖0‖₂ = %v", got)
	}
	// Between the Frobenius norm/√n and the Frobenius norm, and equal to the largest stretch of a vector.
	m := RandomNormal(6, 6, 1, 9)
	frob := math.Sqrt(dot(Flatten(m), Flatten(m)))
	got := SpectralNorm(m)
	if got > frob || got < frob/math.Sqrt(6) {
		t.Errorf("spectral norm %v outside [%v, %v]", got, frob/math.Sqrt(6), frob)
	}
	v := RandomNormal(1, 6, 1, 10)[0] // power iteration on mᵀm
	for range 500 {
		w := MatTVec(m, MatTVec(transpose(m), v))
		n := math.Sqrt(dot(w, w))
		for i := range w {
			v[i] = w[i] / n
		}
	}
	mv := MatTVec(transpose(m), v)
	if power := math.Sqrt(dot(mv, mv)); math.Abs(power-got) > 1e-10*got {
		t.Errorf("spectral norm %v, power iteration %v", got, power)
	}
}

func TestSpectralRadius(t *testing.T) {
	q := householder([]float64{1, 2, -1, 0.5})
	qt := transpose(q) // = q⁻¹
	// Eigenvalues 0.9·e^{±0.7i}, 0.3, −0.5 (a rotation-scaling block), conjugated by q.
	c, s := 0.9*math.Cos(0.7), 0.9*math.Sin(0.7)
	block := [][]float64{{c, -s, 0, 0}, {s, c, 0, 0}, {0, 0, 0.3, 0}, {0, 0, 0, -0.5}}
	if got := SpectralRadius(MatMul(MatMul(q, block), qt)); math.Abs(got-0.9) > 1e-12 {
		t.Errorf("complex pair of modulus 0.9: spectral radius %v", got)
	}
	// Non-normal: upper triangular with diagonal 0.2, −1.3, 0.7.
	tri := [][]float64{{0.2, 5, -3}, {0, -1.3, 4}, {0, 0, 0.7}}
	if got := SpectralRadius(tri); math.Abs(got-1.3) > 1e-12 {
		t.Errorf("triangular: spectral radius %v, want 1.3 (its spectral norm is %v)", got, SpectralNorm(tri))
	}
	if got := SpectralRadius([][]float64{{0, 1}, {0, 0}}); got != 0 {
		t.Errorf("nilpotent: spectral radius %v, want 0", got)
	}
	for _, radius := range []float64{0.5, 1, 1.5} {
		u, err := RandomRecurrent(32, radius, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := SpectralRadius(u); math.Abs(got-radius) > 1e-12 {
			t.Errorf("RandomRecurrent(%g): spectral radius %v", radius, got)
		}
		// Gelfand: ‖U^k‖^{1/k} approaches ρ.
		p := Eye(32)
		for range 400 {
			p = MatMul(p, u)
		}
		if g := math.Pow(SpectralNorm(p), 1.0/400); math.Abs(g-radius) > 0.02*radius {
			t.Errorf("RandomRecurrent(%g): ‖U^400‖^(1/400) = %v", radius, g)
		}
	}
	if _, err := RandomRecurrent(0, 1, 1); err == nil || !strings.Contains(err.Error(), "n=0") {
		t.Errorf("RandomRecurrent(0, …): error %v", err)
	}
}
