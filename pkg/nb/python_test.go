package nb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/pyref"
)

func TestRunPythonRecordedFile(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "out.txt")
	body := "## variant 1\nstate_t is  (np.float64(2.0), np.float64(2.0))\n"
	if err := os.WriteFile(rec, []byte("# what it is\n# recorded with: PyTorch 1.13.1, NumPy 1.24.2\n\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := PythonRun{Recorded: rec, Command: "python3 x.py"}
	if err := r.readRecorded(); err != nil {
		t.Fatal(err)
	}
	if r.Raw != body || r.Output != "## variant 1\nstate_t is  (2.0, 2.0)\n" || r.Versions != "PyTorch 1.13.1, NumPy 1.24.2" {
		t.Errorf("recorded run: %+v", r)
	}
	s := r.String()
	for _, want := range []string{"记录下来的输出（PyTorch 1.13.1, NumPy 1.24.2）", "NumPy 2 把"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() lacks %q: %s", want, s)
		}
	}
}

func TestRunPythonLive(t *testing.T) {
	pyref.Require(t, "nb.RunPython")
	dir := t.TempDir()
	script := filepath.Join(dir, "hello.py")
	if err := os.WriteFile(script, []byte("import sys\nprint('args', sys.argv[1:], __name__)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := RunPython(filepath.Join(dir, "none.txt"), script, "--seed", "0")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Live || r.Output != "args ['--seed', '0'] __main__\n" || !strings.Contains(r.Versions, "PyTorch") {
		t.Errorf("live run: %+v", r)
	}
	if _, err := RunPython("", filepath.Join(dir, "missing.py")); err == nil {
		t.Error("a script that fails should be an error")
	}
}
