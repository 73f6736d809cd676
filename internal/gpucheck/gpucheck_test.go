package gpucheck

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// limit is what a bundle may weigh: 64 MiB.
const limit = 64 << 20

// packages are the packages whose test binaries the bundle holds.
var packages = []string{"pkg/rnn", "pkg/seq2seq", "pkg/backend", "internal/notebook06"}

// TestGPUCheckBundle runs scripts/gpu-check.sh --build into a temporary
// folder, as one would before carrying it to a GPU machine, and checks what
// --run will need there: the executables, unpacked by the bundled helper,
// start from their package's folder and list every test of the package;
// they have GoMLX's XLA backend linked in (they try to load the PJRT plugin
// GOMLX_BACKEND names instead of saying "not compiled in"); every file the
// tests and the benchmark read is there; the folder is under 64 MiB. Then
// --run, with no plugin to be found, must stop with a clear message and exit
// status 2, and write it to the log. (What --run does on a GPU cannot be
// tested here.)
func TestGPUCheckBundle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the GPU-check bundle (go test -c -tags xla of four packages): not with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	build := exec.Command("bash", filepath.Join(root, "scripts", "gpu-check.sh"), "--build", dir)
	build.Dir = root
	out, err := build.CombinedOutput()
	if err != nil {
		t.Fatalf("gpu-check.sh --build: %v\n%s", err, out)
	}
	t.Logf("gpu-check.sh --build:\n%s", out)
	if !regexp.MustCompile(`(?m)^size: +\d+ bytes \([0-9.]+ MiB\) of the 64 MiB limit$`).Match(out) {
		t.Errorf("--build did not print the folder's size:\n%s", out)
	}

	var size int64
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		size += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if size >= limit {
		t.Errorf("the bundle's files weigh %d bytes, not under 64 MiB", size)
	}

	// Every file the tests and the benchmark open, in the repository's layout.
	for _, from := range []string{"pkg/rnn/testdata", "notebooks/data", "tools/pytorch"} {
		err := filepath.WalkDir(filepath.Join(root, from), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (from == "tools/pytorch" && !strings.HasSuffix(path, ".py")) {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			want, _ := os.Stat(path)
			if got, err := os.Stat(filepath.Join(dir, rel)); err != nil || got.Size() != want.Size() {
				t.Errorf("%s: not copied into the bundle as it is (%v)", rel, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"gpu-check.sh", "bin/gz"} {
		if info, err := os.Stat(filepath.Join(dir, f)); err != nil || info.Mode()&0o111 == 0 {
			t.Errorf("%s: missing or not executable (%v)", f, err)
		}
	}
	if info, err := os.ReadFile(filepath.Join(dir, "BUILD-INFO")); err != nil || !strings.Contains(string(info), "glibc >= 2.") {
		t.Errorf("BUILD-INFO does not say which glibc the executables need (%v):\n%s", err, info)
	}

	// Unpacked as --run unpacks them, with the bundled helper.
	unpacked := filepath.Join(dir, "unpacked")
	gz := []string{"-d", unpacked, filepath.Join(dir, "bin", "rnnbench.gz")}
	for _, p := range packages {
		gz = append(gz, filepath.Join(dir, "bin", filepath.Base(p)+".test.gz"))
	}
	if out, err := exec.Command(filepath.Join(dir, "bin", "gz"), gz...).CombinedOutput(); err != nil {
		t.Fatalf("bin/gz %s: %v\n%s", strings.Join(gz, " "), err, out)
	}
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	for _, p := range packages {
		bin := filepath.Join(unpacked, filepath.Base(p)+".test")
		list := exec.Command(bin, "-test.list", ".*")
		list.Dir = filepath.Join(dir, p)
		out, err := list.CombinedOutput()
		if err != nil {
			t.Errorf("%s.test -test.list: %v\n%s", p, err, out)
			continue
		}
		listed := map[string]bool{}
		for _, name := range strings.Fields(string(out)) {
			listed[name] = true
		}
		sources, _ := filepath.Glob(filepath.Join(root, p, "*_test.go"))
		n := 0
		for _, src := range sources {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range testFunc.FindAllSubmatch(data, -1) {
				n++
				if !listed[string(m[1])] {
					t.Errorf("%s.test does not list %s (%s)", p, m[1], filepath.Base(src))
				}
			}
		}
		if n == 0 {
			t.Errorf("no test functions found in %s", p)
		}
		assertXLALinked(t, bin)
	}
	assertXLALinked(t, filepath.Join(unpacked, "rnnbench"))

	// The XLA backend is really there: asked for a plugin that does not
	// exist, the binaries fail to load it, where a build without -tags xla
	// says the backend "is not compiled in".
	missing := "xla:" + filepath.Join(t.TempDir(), "xla_cuda_plugin.so")
	xlaEnv := append(withoutEnv("GOMLX_BACKEND"), "GOMLX_BACKEND="+missing, "GOMLX_NO_AUTO_INSTALL=1")
	for _, c := range []struct {
		name string
		cmd  *exec.Cmd
	}{
		{"rnnbench -go charrnn", exec.Command(filepath.Join(unpacked, "rnnbench"), "-go", "charrnn")},
		{"backend.test -test.run TestTrainingLowersLoss", exec.Command(filepath.Join(unpacked, "backend.test"), "-test.run", "^TestTrainingLowersLoss$")},
	} {
		c.cmd.Env = xlaEnv
		c.cmd.Dir = filepath.Join(dir, "pkg", "backend")
		out, err := c.cmd.CombinedOutput()
		if err == nil || strings.Contains(string(out), "not compiled in") || !strings.Contains(string(out), "failed to load PJRT plugin") {
			t.Errorf("%s with GOMLX_BACKEND=%s: want a failure to load that plugin, got %v:\n%s", c.name, missing, err, out)
		}
	}

	// --run where no plugin can be found: exit status 2, and a message that
	// says what to pass.
	search := t.TempDir()
	env := append(withoutEnv("GOMLX_BACKEND"), "RNNGO_PLUGIN_SEARCH="+search)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--run"}, "error: no PJRT CUDA plugin found (GOMLX_BACKEND unset, no --plugin, no --python-env, and no xla_cuda_plugin.so or pjrt_c_api_cuda_plugin.so under " + search + "). Pass --plugin /abs/path/xla_cuda_plugin.so, or --python-env VENV"},
		{[]string{"--run", "--plugin", filepath.Join(search, "nosuch.so")}, "error: --plugin " + filepath.Join(search, "nosuch.so") + ": no such file"},
		{[]string{"--run", "--python-env", search}, "error: no PJRT CUDA plugin in --python-env " + search + ": no lib/python3*/site-packages/jax_plugins/*/xla_cuda_plugin.so there"},
	} {
		run := exec.Command(filepath.Join(dir, "gpu-check.sh"), c.args...)
		run.Env = env
		out, err := run.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), c.want) {
			t.Errorf("gpu-check.sh %s: %v, want exit status 2 and %q in:\n%s", strings.Join(c.args, " "), err, c.want, out)
			continue
		}
		if log, err := os.ReadFile(filepath.Join(dir, "gpu-check.log")); err != nil || !strings.Contains(string(log), c.want) {
			t.Errorf("gpu-check.sh %s: gpu-check.log does not hold the message (%v):\n%s", strings.Join(c.args, " "), err, log)
		}
	}
	if out, err := exec.Command(filepath.Join(dir, "gpu-check.sh"), "--help").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "scripts/gpu-check.sh --build DIR") || !strings.Contains(string(out), "DIR/gpu-check.sh --run") {
		t.Errorf("gpu-check.sh --help: %v\n%s", err, out)
	}
}

// assertXLALinked checks that an executable holds the functions of GoMLX's
// XLA backend (their names stay in a stripped Go binary, for its tracebacks).
func assertXLALinked(t *testing.T, bin string) {
	t.Helper()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("github.com/gomlx/gomlx/backends/xla.New")) {
		t.Errorf("%s: GoMLX's XLA backend is not linked in (built without -tags xla?)", filepath.Base(bin))
	}
}

// withoutEnv is the environment less the named variable.
func withoutEnv(name string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, name+"=") {
			env = append(env, kv)
		}
	}
	return env
}
