package theory

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	worst := 0.0
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > worst || math.IsNaN(d) {
			worst = d
		}
	}
	return worst
}

// TestLoadPyTorchBPTT: the fixture's arrays have their shapes, and rnn.SRN
// run with its weights gives PyTorch's states and outputs.
func TestLoadPyTorchBPTT(t *testing.T) {
	f, err := LoadPyTorchBPTT()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.X) != 8 || len(f.H0) != 2 || len(f.Jacobians) != 8 || len(f.JacobianNorms) != 8 || len(f.Grads.X) != 8 {
		t.Fatalf("L = %d inputs, %d Jacobians, %d norms, %d input gradients; H = %d", len(f.X), len(f.Jacobians),
			len(f.JacobianNorms), len(f.Grads.X), len(f.H0))
	}
	hs, ys := f.SRN.Run(f.X, f.H0)
	if d := math.Max(maxAbsDiff(Flatten(hs), Flatten(f.H)), maxAbsDiff(Flatten(ys), Flatten(f.Y))); d > 1e-12 {
		t.Errorf("rnn.SRN differs from PyTorch's forward pass by %.3g", d)
	}
	named := f.Grads.Named()
	if len(named) != 8 || named[1].Name != "U (weight_hh)" || len(named[7].Values) != 16 {
		t.Errorf("Named() = %v", named)
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
		if d := maxAbsDiff(rnn.Float64s(v), rnn.Float64s(w)); d > 1e-12 {
			t.Errorf("%s differs from the regenerated value by %.3g", k, d)
		}
	}
}
