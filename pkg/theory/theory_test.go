package theory

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// householder returns I − 2vvᵀ/vᵀv, an orthogonal matrix.
func householder(v []float64) [][]float64 {
	n := len(v)
	vv := 0.0
	for _, x := range v {
		vv += x * x
	}
	m := identity(n)
	for i := range n {
		for j := range n {
			m[i][j] -= 2 * v[i] * v[j] / vv
		}
	}
	return m
}

func TestSpectralNorm(t *testing.T) {
	// Q·diag(s)·P with orthogonal Q and P has singular values s.
	q := matMul(householder([]float64{1, -2, 0.5, 3}), householder([]float64{0.3, 1, -1, 2}))
	p := householder([]float64{2, 1, 1, -0.5})
	for _, s := range [][]float64{{3, 1, 0.5, 0.1}, {1e-20, 2e-20, 0, 0}, {7, 7, 1, 0}, {1e8, 1, 1, 1}} {
		d := zeros(4, 4)
		for i := range s {
			d[i][i] = s[i]
		}
		m := matMul(matMul(q, d), p)
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
	if got := SpectralNorm(zeros(3, 3)); got != 0 {
		t.Errorf("‖0‖₂ = %v", got)
	}
	// Between the Frobenius norm/√n and the Frobenius norm, and equal to the largest stretch of a vector.
	m := randomNormal(6, 6, 1, 9)
	frob := math.Sqrt(dot(Flatten(m), Flatten(m)))
	got := SpectralNorm(m)
	if got > frob || got < frob/math.Sqrt(6) {
		t.Errorf("spectral norm %v outside [%v, %v]", got, frob/math.Sqrt(6), frob)
	}
	v := randomNormal(1, 6, 1, 10)[0] // power iteration on mᵀm
	for range 500 {
		w := matTVec(m, matTVec(transpose(m), v))
		n := math.Sqrt(dot(w, w))
		for i := range w {
			v[i] = w[i] / n
		}
	}
	mv := matTVec(transpose(m), v)
	if power := math.Sqrt(dot(mv, mv)); math.Abs(power-got) > 1e-10*got {
		t.Errorf("spectral norm %v, power iteration %v", got, power)
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestSpectralRadius(t *testing.T) {
	q := householder([]float64{1, 2, -1, 0.5})
	qt := transpose(q) // = q⁻¹
	// Eigenvalues 0.9·e^{±0.7i}, 0.3, −0.5 (a rotation-scaling block), conjugated by q.
	c, s := 0.9*math.Cos(0.7), 0.9*math.Sin(0.7)
	block := [][]float64{{c, -s, 0, 0}, {s, c, 0, 0}, {0, 0, 0.3, 0}, {0, 0, 0, -0.5}}
	if got := SpectralRadius(matMul(matMul(q, block), qt)); math.Abs(got-0.9) > 1e-12 {
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
		p := identity(32)
		for range 400 {
			p = matMul(p, u)
		}
		if g := math.Pow(SpectralNorm(p), 1.0/400); math.Abs(g-radius) > 0.02*radius {
			t.Errorf("RandomRecurrent(%g): ‖U^400‖^(1/400) = %v", radius, g)
		}
	}
	if _, err := RandomRecurrent(0, 1, 1); err == nil || !strings.Contains(err.Error(), "n=0") {
		t.Errorf("RandomRecurrent(0, …): error %v", err)
	}
}

// TestFlow checks the gradient-flow curves: without activation
// ‖∂h_T/∂h_0‖ = ‖U^T‖ decays, stays and grows by ρ a step; with tanh
// (f′ ≤ 1) it is never above the linear curve of the same U… for ρ < 1,
// and it decays for every radius here.
func TestFlow(t *testing.T) {
	curves, err := Flow(DefaultFlow())
	if err != nil {
		t.Fatal(err)
	}
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
			if u, _ := RandomRecurrent(32, c.Radius, 1); math.Abs(c.NormU-SpectralNorm(u)) > 1e-12 {
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
	if _, err := Flow(FlowConfig{}); err == nil {
		t.Errorf("Flow(FlowConfig{}) did not fail")
	}
}

func TestDigitSum(t *testing.T) {
	train, test, err := DigitSum(7, 500, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 500 || len(test) != 200 {
		t.Fatalf("got %d and %d sequences", len(train), len(test))
	}
	seen := map[string]bool{}
	counts := make([]int, DigitSumClasses)
	for _, p := range append(append([]seq2seq.Pair{}, train...), test...) {
		if len(p.Source) != 7 || strings.Trim(p.Source, "0123456789") != "" {
			t.Fatalf("source %q is not 7 digits", p.Source)
		}
		if seen[p.Source] {
			t.Fatalf("source %q drawn twice (train and test must not share sequences)", p.Source)
		}
		seen[p.Source] = true
		sum, _ := strconv.Atoi(p.Target)
		if want := int(p.Source[0]-'0') + int(p.Source[1]-'0'); sum != want || p.Target != strconv.Itoa(want) {
			t.Fatalf("%q → %q, want %d", p.Source, p.Target, want)
		}
		counts[sum]++
	}
	if counts[9] < counts[0] || counts[9] < counts[18] {
		t.Errorf("sums are not triangular around 9: %v", counts)
	}
	again, _, _ := DigitSum(7, 500, 200, 42)
	if !reflect.DeepEqual(train, again) {
		t.Errorf("the same seed gave other data")
	}
	other, _, _ := DigitSum(7, 500, 200, 43)
	if reflect.DeepEqual(train, other) {
		t.Errorf("another seed gave the same data")
	}
	// The distractors are uniform: every digit appears at the last position.
	var last [10]int
	for _, p := range train {
		last[p.Source[6]-'0']++
	}
	for d, n := range last {
		if n < 20 {
			t.Errorf("digit %d is the last of only %d of 500 sequences", d, n)
		}
	}
	for _, c := range []struct {
		k, train, test int
		want           string
	}{{2, 10, 10, "at least 3 digits"}, {5, 0, 10, "positive train and test sizes"}, {3, 400, 200, "only 10^3 exist"}} {
		if _, _, err := DigitSum(c.k, c.train, c.test, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DigitSum(%d, %d, %d): error %v, want %q", c.k, c.train, c.test, err, c.want)
		}
	}
}

func TestClassifierExamples(t *testing.T) {
	c := Classifier{Kind: GRU}
	inputs, labels, err := c.Examples([]seq2seq.Pair{{Source: "1234", Target: "3"}, {Source: "9900", Target: "18"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := inputs[0].Shape().Dimensions; !reflect.DeepEqual(got, []int{2, 4}) {
		t.Errorf("inputs %v, want [2 4]", got)
	}
	if got := labels.Value().([][]int32); !reflect.DeepEqual(got, [][]int32{{3}, {18}}) {
		t.Errorf("labels %v", got)
	}
	if got := c.String(); got != "Embedding(10, 32) → GRU(32, 32, batch_first=True) → Linear(32, 19) on the last state" {
		t.Errorf("String() = %q", got)
	}
	for _, bad := range []struct {
		c     Classifier
		pairs []seq2seq.Pair
		want  string
	}{
		{Classifier{Kind: "CNN"}, []seq2seq.Pair{{Source: "12", Target: "3"}}, `kind must be "SRN", "LSTM" or "GRU", got "CNN"`},
		{c, []seq2seq.Pair{{Source: "12", Target: "3"}, {Source: "123", Target: "3"}}, `source "123" has 3 digits, the first of the batch 2`},
		{c, []seq2seq.Pair{{Source: "1a", Target: "1"}}, `'a' is not a digit 0–9`},
		{c, []seq2seq.Pair{{Source: "12", Target: "19"}}, `target "19" of source "12" is not a class 0–18`},
		{c, nil, "no pairs"},
		{Classifier{Kind: LSTM, Chrono: 1}, []seq2seq.Pair{{Source: "12", Target: "3"}}, "Chrono must be 0"},
	} {
		if _, _, err := bad.c.Examples(bad.pairs); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Examples(%v): error %v, want %q", bad.pairs, err, bad.want)
		}
	}
}

// TestClassifierTrains trains the three kinds briefly on K = 4 (with the
// LSTM's chrono initialisation) through seq2seq.Train: the loss falls and
// Accuracy scores the test set above chance.
func TestClassifierTrains(t *testing.T) {
	train, test, err := DigitSum(4, 400, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds {
		c := Classifier{Kind: kind, Embed: 8, Hidden: 16}
		if kind == LSTM {
			c.Chrono = 4
		}
		res, err := seq2seq.Train(c, train, seq2seq.Config{Epochs: 6, LearningRate: 0.02, BatchSize: 20, Shuffle: true, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		acc, err := Accuracy(res.Ctx, c, test)
		if err != nil {
			t.Fatal(err)
		}
		first, last := res.Losses[0], res.Last.Loss
		if !(last < first) || acc < 2*ChanceAccuracy {
			t.Errorf("%s: loss %.3f → %.3f, test accuracy %.3f", kind, first, last, acc)
		}
	}
	if _, err := Accuracy(nil, Classifier{Kind: SRN}, test); err == nil {
		t.Errorf("Accuracy without a context did not fail")
	}
}

// TestClippingKeepsTheNorm runs a short version of the clipping
// experiment: without clipping SGD diverges, with it every applied gradient
// has norm ≤ max_norm and every loss is finite.
func TestClippingKeepsTheNorm(t *testing.T) {
	cfg := DefaultClip()
	cfg.Steps = 40
	unclipped, clipped, s, err := Clipping(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if unclipped.Diverged == 0 || s.DivergedAt != unclipped.Diverged || !math.IsNaN(unclipped.Losses[len(unclipped.Losses)-1]) &&
		!math.IsInf(unclipped.Losses[len(unclipped.Losses)-1], 0) {
		t.Errorf("without clipping: diverged at %d, losses %v", unclipped.Diverged, unclipped.Losses)
	}
	if len(clipped.Losses) != cfg.Steps || clipped.Diverged != 0 || !s.Finite {
		t.Errorf("with clipping: %d steps, diverged at %d, finite %v", len(clipped.Losses), clipped.Diverged, s.Finite)
	}
	for i, a := range clipped.Applied {
		if a > cfg.MaxNorm || a > clipped.GradNorms[i] {
			t.Errorf("step %d: applied norm %v, norm %v, max_norm %v", i+1, a, clipped.GradNorms[i], cfg.MaxNorm)
		}
	}
	if s.ClippedSteps == 0 || s.MaxClippedNorm <= cfg.MaxNorm || s.MaxApplied > cfg.MaxNorm {
		t.Errorf("summary %+v", s)
	}
	// Same start: the first step's norm is the same in both runs.
	if unclipped.GradNorms[0] != clipped.GradNorms[0] || unclipped.Losses[0] != clipped.Losses[0] {
		t.Errorf("the runs start differently: %v/%v and %v/%v", unclipped.Losses[0], unclipped.GradNorms[0], clipped.Losses[0], clipped.GradNorms[0])
	}
	if _, err := TrainSteps(cfg.Model(), nil, StepConfig{Steps: 1, BatchSize: 1, Optimizer: "sgd", LearningRate: 1}); err == nil ||
		!strings.Contains(err.Error(), "no training pairs") {
		t.Errorf("TrainSteps without pairs: %v", err)
	}
	if _, err := TrainSteps(cfg.Model(), []seq2seq.Pair{{Source: "123", Target: "3"}}, StepConfig{Steps: 1, BatchSize: 1, Optimizer: "rmsprop", LearningRate: 1}); err == nil ||
		!strings.Contains(err.Error(), `"sgd" or "adam", got "rmsprop"`) {
		t.Errorf("TrainSteps with an unknown optimizer: %v", err)
	}
}

func TestMemorySmall(t *testing.T) {
	cfg := DefaultMemory()
	cfg.Ks, cfg.Train, cfg.Test, cfg.Epochs, cfg.Parallel = []int{3, 4}, 300, 100, 2, 2
	res, err := Memory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds {
		for i, k := range cfg.Ks {
			acc, ok := res.At(kind, k)
			if !ok || acc != res.Accuracy[kind][i] || acc < 0 || acc > 1 || res.Loss[kind][i] <= 0 {
				t.Errorf("%s at K=%d: accuracy %v (%v), loss %v", kind, k, acc, ok, res.Loss[kind][i])
			}
		}
	}
	// Parallel training gives the same numbers as sequential training.
	cfg.Parallel = 1
	again, err := Memory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Accuracy, again.Accuracy) || !reflect.DeepEqual(res.Loss, again.Loss) {
		t.Errorf("parallel %v / %v, sequential %v / %v", res.Accuracy, res.Loss, again.Accuracy, again.Loss)
	}
	if _, ok := res.At(SRN, 99); ok {
		t.Errorf("At(SRN, 99) found a result")
	}
	cfg.Parallel = 0
	if _, err := Memory(cfg); err == nil || !strings.Contains(err.Error(), "Parallel must be at least 1") {
		t.Errorf("Memory with Parallel 0: %v", err)
	}
}

func TestResultsSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "results.json")
	if err := UpdateResults(path, func(r *Results) { r.BPTT = &BPTTResult{Steps: 8, MaxDiffPyTorch: 1e-16} }); err != nil {
		t.Fatal(err)
	}
	if err := UpdateResults(path, func(r *Results) {
		r.Memory = &MemorySummary{Config: DefaultMemory(), Result: &MemoryResult{Ks: []int{5}, Accuracy: map[Kind][]float64{SRN: {0.5}}}}
	}); err != nil {
		t.Fatal(err)
	}
	r, err := LoadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.BPTT == nil || r.BPTT.Steps != 8 || r.Memory == nil || r.Memory.Result.Accuracy[SRN][0] != 0.5 ||
		r.Memory.Config.Hidden != DefaultMemory().Hidden {
		t.Errorf("loaded %+v", r)
	}
	if _, err := LoadResults(filepath.Join(t.TempDir(), "none.json")); err == nil || !strings.Contains(err.Error(), "theory: loading results") {
		t.Errorf("LoadResults of a missing file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateResults(bad, func(*Results) {}); err == nil {
		t.Errorf("UpdateResults of a broken file did not fail")
	}
}
