//go:build xla

package backend

import (
	"os"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
)

// RequireXLACPUEnvVar, set to "1" (scripts/test.sh does where setup
// installed the plugin), makes a missing PJRT CPU plugin a failure instead
// of a skip.
const RequireXLACPUEnvVar = "RNNGO_REQUIRE_XLA_CPU"

func requireCPUPlugin(t *testing.T) string {
	t.Helper()
	p := CPUPlugin(os.Getenv)
	if p == "" {
		if os.Getenv(RequireXLACPUEnvVar) == "1" {
			t.Fatalf("%s=1 but no PJRT CPU plugin was found (scripts/setup.sh --xla-cpu installs it)", RequireXLACPUEnvVar)
		}
		t.Skip("no PJRT CPU plugin installed (scripts/setup.sh --xla-cpu)")
	}
	return p
}

// TestXLACPU creates the XLA backend for "xla:cpu" from the installed
// plugin (no download) and computes with it.
func TestXLACPU(t *testing.T) {
	plugin := requireCPUPlugin(t)
	b, err := New("xla:cpu")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if b.Name() != "xla" || !strings.Contains(b.Description(), plugin) {
		t.Errorf("backend %s (%s), want xla with the plugin %s", b.Name(), b.Description(), plugin)
	}
	if !b.HasSharedBuffers() {
		t.Error("xla:cpu should share buffers with the host")
	}
	got := MustExecOnce(b, func(x *Node) *Node {
		return ReduceAllSum(Tanh(MatMul(x, Transpose(x, 0, 1))))
	}, [][]float32{{0.1, 0.2}, {0.3, 0.4}})
	if v := got.Value().(float32); v < 0.51399 || v > 0.51400 { // tanh(.05) + 2·tanh(.11) + tanh(.25) = 0.513994
		t.Errorf("sum(tanh(x·xᵀ)) = %v", v)
	}
}

// TestXLACPUPrintsNothing: creating the XLA CPU backend through Get writes
// nothing to standard output (a notebook cell's output), in a fresh process.
func TestXLACPUPrintsNothing(t *testing.T) {
	requireCPUPlugin(t)
	assertCreatesQuietly(t, "TestXLACPUPrintsNothing", "xla:cpu", "xla")
}

// TestMissingCPUPlugin: a plugin named in RNNGO_XLA_CPU_PLUGIN that is not
// there is an error that says how to install one, not a download.
func TestMissingCPUPlugin(t *testing.T) {
	t.Setenv(CPUPluginEnvVar, "/nonexistent/xla_cpu_pjrt.so")
	_, err := New("xla:cpu")
	if err == nil {
		t.Fatal("New(xla:cpu) with a missing plugin succeeded")
	}
	for _, want := range []string{"/nonexistent/xla_cpu_pjrt.so", "setup.sh --xla-cpu"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
