// Package pyref finds the Python that runs the repository's PyTorch
// reference scripts (tools/pytorch), for the tests that regenerate the
// committed reference files and for the benchmarks.
package pyref

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// Python returns an interpreter that can import torch and numpy, trying
// $RNNGO_PYTHON, /usr/bin/python3 (Debian's python3-torch) and python3 in
// turn; "" if none can.
func Python() string {
	for _, py := range []string{os.Getenv("RNNGO_PYTHON"), "/usr/bin/python3", "python3"} {
		if py != "" && exec.Command(py, "-c", "import torch, numpy").Run() == nil {
			return py
		}
	}
	return ""
}

// Require returns Python() for a test that regenerates a reference file.
// Without PyTorch the test is skipped, saying so — or fails, when
// RNNGO_REQUIRE_PYTORCH=1 (set by scripts/test.sh where setup installed it).
func Require(t testing.TB, what string) string {
	t.Helper()
	py := Python()
	if py == "" {
		if os.Getenv("RNNGO_REQUIRE_PYTORCH") == "1" {
			t.Fatalf("PyTorch required (RNNGO_REQUIRE_PYTORCH=1) but no python with torch and numpy found")
		}
		t.Skipf("PyTorch is not installed: %s not regenerated (scripts/setup.sh --pytorch installs it)", what)
	}
	return py
}

// numpyScalar matches NumPy 2's repr of a scalar, "np.float64(2.0)",
// "np.int32(3)", "np.True_" aside.
var numpyScalar = regexp.MustCompile(`np\.(?:float|int|uint|complex)(?:16|32|64|128)?\(([^()]*)\)`)

// NormalizeNumPy rewrites what NumPy 2 prints for a scalar inside a
// container, "np.float64(2.0)", as NumPy 1 printed it, "2.0", and leaves
// everything else as it is. The homework's code prints tuples of NumPy
// scalars (`state_t is  (2.0, 2.0)` with NumPy 1.24); NumPy 2 changed only
// that repr, not the numbers, so the tests that rerun it compare the
// normalised text.
func NormalizeNumPy(s string) string {
	return numpyScalar.ReplaceAllString(s, "$1")
}
