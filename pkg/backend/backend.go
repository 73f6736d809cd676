// Package backend is the one place where this project creates its GoMLX backend.
//
// Every package and notebook of the project calls [Get] instead of
// backends.New or simplego.New, so that the choice of backend and its
// configuration are made once:
//
//   - By default it is GoMLX's pure-Go backend, SimpleGo ("go"), configured
//     with unlimited parallelism ("parallelism=-1") and sequential execution
//     of the graph's operations ("ops_sequential"). With SimpleGo's default
//     worker pool, training graphs hang forever in about half of the runs on a
//     2-core machine (a task waits for the pool it is running in); with
//     unlimited parallelism no run ever hung (see TestNoDeadlock). Recurrent
//     graphs are long chains of small operations, for which SimpleGo's
//     parallel scheduler costs about 20 µs an operation in goroutine hand-offs:
//     executed in sequence, the lecture-12 trainings run 3–4x faster and
//     mathor's about 10% (cmd/rnnbench); the matrix products still use both cores.
//   - If the environment variable GOMLX_BACKEND is set, it is used as given
//     ("<name>:<config>", for instance "xla:cuda"), except that a SimpleGo
//     configuration without an explicit "parallelism=" gets "parallelism=-1"
//     added. The XLA backend is only compiled in with the build tag "xla"
//     (go build -tags xla, or "%goflags -tags=xla" in a GoNB notebook), since
//     linking it on a machine without the PJRT plugin fails at run time.
//   - "xla:cpu" is XLA on the CPU: [Config] turns it into the absolute path
//     of the PJRT CPU plugin scripts/setup.sh --xla-cpu installs from PyPI
//     into .tools/venv (xla-cpu-pjrt; see [CPUPlugin]), with GoMLX's shared
//     buffers, so GoMLX neither searches nor downloads; where there is no such
//     plugin, "xla:cpu" goes to GoMLX as it is (its own plugin directory,
//     then its installer, which downloads one from GitHub). XLA compiles
//     every graph before its first run — seconds for a recurrent training
//     step — and then runs it several times faster than SimpleGo.
//   - On a GPU (an XLA configuration whose plugin is not the CPU one, see
//     [IsGPUConfig]) float32 is made PyTorch-exact before the plugin loads:
//     NVIDIA_TF32_OVERRIDE=0 and XLA_FLAGS=--xla_gpu_enable_triton_gemm=false,
//     unless the user set them (see [ExactGPUEnv]). Measured on an H100:
//     with XLA's defaults 5 of 40 random float32 PyTorch cases differed by
//     1e-4–1e-3 (TF32 products, Triton GEMM fusions); with both set, all 40
//     matched at 1e-5. RNNGO_TF32=1 keeps XLA's faster defaults.
//
// SimpleGo prints a line ("SimpleGo backend: parallelism set to -1") to
// standard output when it is configured; [Get] swallows that line so nothing
// of it appears in a notebook's output.
package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// EnvVar is the environment variable that selects another backend: "GOMLX_BACKEND".
const EnvVar = backends.ConfigEnvVar

// DefaultConfig is the configuration used when GOMLX_BACKEND is not set:
// SimpleGo with unlimited parallelism and sequential op execution,
// "go:parallelism=-1,ops_sequential".
const DefaultConfig = simplego.BackendName + ":parallelism=-1,ops_sequential"

var (
	once    sync.Once
	shared  backends.Backend
	initErr error
)

// Get returns the project's shared backend, creating it on the first call
// (see the package documentation for how it is chosen). Later calls return
// the same backend, or the same error.
func Get() (backends.Backend, error) {
	once.Do(func() {
		shared, initErr = New(os.Getenv(EnvVar))
	})
	return shared, initErr
}

// MustGet is like [Get] but panics with a readable message if the backend
// cannot be created (for instance GOMLX_BACKEND names a backend that is not
// compiled in).
func MustGet() backends.Backend {
	b, err := Get()
	if err != nil {
		panic(err)
	}
	return b
}

// Config returns the configuration string [New] uses for the given value of
// GOMLX_BACKEND: DefaultConfig when it is empty, "parallelism=-1" added
// to a SimpleGo configuration that does not set its parallelism (an explicit
// GOMLX_BACKEND=go keeps SimpleGo's own scheduling otherwise), and "xla:cpu"
// turned into the path of the PJRT CPU plugin scripts/setup.sh --xla-cpu
// installed, with shared buffers, where there is one (see [CPUPlugin]).
func Config(env string) string {
	env = strings.TrimSpace(env)
	if env == "" {
		return DefaultConfig
	}
	name, cfg, _ := strings.Cut(env, ":")
	if name != simplego.BackendName {
		return resolveCPUPlugin(env, os.Getenv)
	}
	for _, part := range strings.Split(cfg, ",") {
		if strings.HasPrefix(strings.TrimSpace(part), "parallelism=") {
			return env
		}
	}
	if strings.TrimSpace(cfg) == "" {
		return simplego.BackendName + ":parallelism=-1"
	}
	return env + ",parallelism=-1"
}

// New creates a new backend for the given configuration (the value of
// GOMLX_BACKEND, "" for the default); see [Config]. Most code wants the shared
// one from [Get] instead.
func New(env string) (backends.Backend, error) {
	config := Config(env)
	name, _, _ := strings.Cut(config, ":")
	if !registered(name) {
		return nil, fmt.Errorf("backend: GOMLX_BACKEND=%q asks for backend %q, which is not compiled in "+
			"(compiled in: %s); for XLA build with -tags xla (in GoNB: %%goflags -tags=xla)",
			env, name, strings.Join(backends.List(), ", "))
	}
	if IsCPUConfig(env) && !IsCPUConfig(config) {
		plugin, _, _ := strings.Cut(strings.TrimPrefix(config, name+":"), ",")
		if _, err := os.Stat(plugin); err != nil {
			return nil, fmt.Errorf("backend: GOMLX_BACKEND=%q: the PJRT CPU plugin %s=%s: %w "+
				"(scripts/setup.sh --xla-cpu installs it)", env, CPUPluginEnvVar, plugin, err)
		}
	}
	if err := applyExactGPUEnv(config); err != nil {
		return nil, fmt.Errorf("backend: setting the GPU's float32 environment: %w", err)
	}
	var (
		b   backends.Backend
		err error
	)
	quietStdout(func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("backend: creating %q failed: %v", config, r)
			}
		}()
		b, err = backends.NewWithConfig(config)
	})
	if err != nil {
		return nil, fmt.Errorf("backend: creating %q: %w", config, err)
	}
	return b, nil
}

func registered(name string) bool {
	for _, n := range backends.List() {
		if n == name {
			return true
		}
	}
	return false
}

// quietStdout runs fn with os.Stdout pointed at the null device, so what a
// backend prints while it is configured does not reach a notebook cell.
func quietStdout(fn func()) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fn()
		return
	}
	saved := os.Stdout
	os.Stdout = null
	defer func() {
		os.Stdout = saved
		_ = null.Close()
	}()
	fn()
}
