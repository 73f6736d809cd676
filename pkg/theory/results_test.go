package theory

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResultsSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "results.json")
	if err := UpdateResults(path, func(r *Results) { r.BPTT = &BPTTResult{Steps: 8, MaxDiffPyTorch: 1e-16} }); err != nil {
		t.Fatal(err)
	}
	if err := UpdateResults(path, func(r *Results) {
		r.Memory = &MemorySummary{Config: MemoryConfig{Hidden: 32}, Result: &MemoryResult{Ks: []int{5}, Accuracy: map[Kind][]float64{SRN: {0.5}}}}
	}); err != nil {
		t.Fatal(err)
	}
	r, err := LoadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.BPTT == nil || r.BPTT.Steps != 8 || r.Memory == nil || r.Memory.Result.Accuracy[SRN][0] != 0.5 || r.Memory.Config.Hidden != 32 {
		t.Errorf("loaded %+v", r)
	}
	if a, ok := r.Memory.Result.At(SRN, 5); !ok || a != 0.5 {
		t.Errorf("At(SRN, 5) = %v, %v", a, ok)
	}
	if _, ok := r.Memory.Result.At(SRN, 99); ok {
		t.Errorf("At(SRN, 99) found a result")
	}
	m := NewMemoryResult([]int{5, 10}, Kinds)
	if len(m.Accuracy) != 3 || len(m.Loss[GRU]) != 2 {
		t.Errorf("NewMemoryResult: %+v", m)
	}
	if a, ok := m.At(LSTM, 10); !ok || a != 0 {
		t.Errorf("NewMemoryResult: At(LSTM, 10) = %v, %v", a, ok)
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

// TestResultsFileRoundTrip: the committed results of notebook 05 load and
// save back to the same bytes (every field the file has is kept).
func TestResultsFileRoundTrip(t *testing.T) {
	path := "../../notebooks/" + ResultsFile
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "results.json")
	if err := r.Save(out); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); string(got) != string(want) {
		t.Errorf("the results file does not round-trip:\n%s\nsaved back as\n%s", want, got)
	}
}

func TestFlowCurveVerdict(t *testing.T) {
	geometric := func(rate float64) FlowCurve {
		c := FlowCurve{}
		for i := range 50 {
			c.Norms = append(c.Norms, math.Pow(rate, float64(i+1)))
		}
		return c
	}
	for rate, want := range map[float64]string{0.5: "decays", 1: "stays", 1.01: "stays", 1.5: "grows"} {
		c := geometric(rate)
		if math.Abs(c.Rate()-rate) > 1e-12 || c.Verdict() != want {
			t.Errorf("rate %v: Rate %v, Verdict %q, want %q", rate, c.Rate(), c.Verdict(), want)
		}
	}
}

func TestSummarizeClipping(t *testing.T) {
	c := ClipConfig{MaxNorm: 1, Steps: 3}
	plain := ClipRun{MaxNorm: math.Inf(1), Losses: []float64{3, 9, math.NaN()}, GradNorms: []float64{5, 50, math.Inf(1)}}
	clipped := ClipRun{MaxNorm: 1, Losses: []float64{3, 2.5, 2}, GradNorms: []float64{5, 0.5, 2}, Applied: []float64{1, 0.5, 1}}
	s := SummarizeClipping(c, plain, clipped)
	if s.DivergedAt != 3 || s.PeakGradNorm != 50 || s.MaxClippedNorm != 5 || s.MaxApplied != 1 || s.ClippedSteps != 2 ||
		!s.Finite || s.FirstLoss != 2.5 || s.LastLoss != 2.5 {
		t.Errorf("summary %+v", s)
	}
	if plain.Diverged() != 3 || clipped.Diverged() != 0 {
		t.Errorf("Diverged: %d and %d", plain.Diverged(), clipped.Diverged())
	}
	clipped.GradNorms[1] = math.NaN()
	if SummarizeClipping(c, plain, clipped).Finite {
		t.Errorf("a NaN gradient norm is finite")
	}
}
