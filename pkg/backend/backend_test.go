package backend

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	mlctx "github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

func TestConfig(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", "go:parallelism=-1,ops_sequential"},
		{"  ", "go:parallelism=-1,ops_sequential"},
		{"go", "go:parallelism=-1"},
		{"go:", "go:parallelism=-1"},
		{"go:ops_sequential", "go:ops_sequential,parallelism=-1"},
		{"go:parallelism=4", "go:parallelism=4"},
		{"go:ops_parallel,parallelism=0", "go:ops_parallel,parallelism=0"},
		{"xla:cuda", "xla:cuda"},
	} {
		if got := Config(tc.env); got != tc.want {
			t.Errorf("Config(%q) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestNewUnknownBackend(t *testing.T) {
	_, err := New("nosuch:x")
	if err == nil {
		t.Fatal("New(\"nosuch:x\") succeeded, want an error")
	}
	for _, want := range []string{`"nosuch"`, "not compiled in", "go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestGetPrintsNothing checks that creating the backend writes nothing to
// standard output (SimpleGo announces its parallelism there), in a fresh
// process so that the shared backend is really created.
func TestGetPrintsNothing(t *testing.T) {
	assertCreatesQuietly(t, "TestGetPrintsNothing", "", "SimpleGo")
}

// assertCreatesQuietly runs the test named test again in a child process
// with GOMLX_BACKEND=config; there Get must create the backend whose name
// starts with want, writing nothing to standard output (a notebook cell's
// output). The test calls it first thing: in the child it creates the
// backend and exits.
func assertCreatesQuietly(t *testing.T, test, config, want string) {
	t.Helper()
	if os.Getenv("RNNGO_BACKEND_CHILD") == test {
		b, err := Get()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Fprintln(os.Stderr, "created", b.Name())
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), "RNNGO_BACKEND_CHILD="+test, EnvVar+"="+config)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child failed: %v\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("creating the %s backend printed to stdout: %q", want, stdout.String())
	}
	if !strings.Contains(stderr.String(), "created "+want) {
		t.Errorf("child did not create the %s backend: %q", want, stderr.String())
	}
}

// trainSteps runs a small recurrent training graph (8 tanh steps, Adam) the
// way the notebooks do: this is the kind of graph that hangs SimpleGo's
// default worker pool.
func trainSteps(steps int) (float32, error) {
	b, err := Get()
	if err != nil {
		return 0, err
	}
	ctx := mlctx.New()
	ctx.SetParam(mlctx.ParamInitialSeed, int64(42))
	model := func(ctx *mlctx.Context, _ any, inputs []*Node) []*Node {
		x := inputs[0] // [batch=8, time=8, features=16]
		g := x.Graph()
		batch, steps, features := x.Shape().Dim(0), x.Shape().Dim(1), x.Shape().Dim(2)
		const hidden = 32
		ctx = ctx.WithInitializer(initializers.RandomUniformFn(ctx, -0.2, 0.2))
		wih := ctx.VariableWithShape("wih", shapes.Make(x.DType(), hidden, features)).ValueGraph(g)
		whh := ctx.VariableWithShape("whh", shapes.Make(x.DType(), hidden, hidden)).ValueGraph(g)
		wo := ctx.VariableWithShape("wo", shapes.Make(x.DType(), 4, hidden)).ValueGraph(g)
		h := Zeros(g, shapes.Make(x.DType(), batch, hidden))
		for t := range steps {
			xt := Reshape(Slice(x, AxisRange(), AxisElem(t)), batch, features)
			h = Tanh(Add(DotGeneral(xt, []int{1}, nil, wih, []int{1}, nil),
				DotGeneral(h, []int{1}, nil, whh, []int{1}, nil)))
		}
		return []*Node{DotGeneral(h, []int{1}, nil, wo, []int{1}, nil)}
	}
	trainer := train.NewTrainer(b, ctx, model, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().LearningRate(0.01).Done(), nil, nil)
	xData := make([]float32, 8*8*16)
	for i := range xData {
		xData[i] = float32(i%7) / 7
	}
	x := tensors.FromFlatDataAndDimensions(xData, 8, 8, 16)
	labels := tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 3, 0, 1, 2, 3}, 8, 1)
	var loss float32
	for range steps {
		metrics, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{labels})
		if err != nil {
			return 0, err
		}
		loss = tensors.ToScalar[float32](metrics[0])
	}
	return loss, nil
}

// TestNoDeadlock runs the training graph 12 times in each of 5 fresh
// processes (60 executions), each under a timeout: with SimpleGo's default
// worker pool this hangs in most runs on a 2-core machine; with the
// configuration from Get it must never hang.
func TestNoDeadlock(t *testing.T) {
	if os.Getenv("RNNGO_BACKEND_CHILD") == "train" {
		loss, err := trainSteps(12)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		fmt.Printf("final loss %.4f\n", loss)
		os.Exit(0)
	}
	const processes, perProcess = 5, 12
	for i := range processes {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNoDeadlock$")
		cmd.Env = append(os.Environ(), "RNNGO_BACKEND_CHILD=train", EnvVar+"=")
		out, err := cmd.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("process %d of %d: %d training steps did not finish in 2 minutes (deadlock?)", i+1, processes, perProcess)
		}
		if err != nil {
			t.Fatalf("process %d failed: %v\n%s", i+1, err, out)
		}
		if !strings.Contains(string(out), "final loss") {
			t.Fatalf("process %d printed no loss:\n%s", i+1, out)
		}
		t.Logf("process %d: %s", i+1, strings.TrimSpace(string(out)))
	}
}

func TestTrainingLowersLoss(t *testing.T) {
	first, err := trainSteps(1)
	if err != nil {
		t.Fatal(err)
	}
	last, err := trainSteps(30)
	if err != nil {
		t.Fatal(err)
	}
	if !(last < first) {
		t.Errorf("loss after 30 Adam steps %.4f is not below the loss after 1 step %.4f", last, first)
	}
}

func TestIsGPUConfig(t *testing.T) {
	for _, tc := range []struct {
		config string
		want   bool
	}{
		{"", false},
		{"go:parallelism=-1", false},
		{"xla", false},
		{"xla:", false},
		{"xla:cpu", false},
		{"xla:cuda", true},
		{"xla:rocm", true},
		{"stablehlo:cuda", true},
		{"xla:/opt/venv/lib/python3.12/site-packages/jax_plugins/xla_cuda13/xla_cuda_plugin.so", true},
		{"xla:/usr/local/lib/go-xla/pjrt_c_api_cpu_plugin.so", false},
		{"xla:cuda,shared_buffers", true},
	} {
		if got := IsGPUConfig(tc.config); got != tc.want {
			t.Errorf("IsGPUConfig(%q) = %v, want %v", tc.config, got, tc.want)
		}
	}
}

func TestExactGPUEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		name, config string
		getenv       func(string) string
		want         map[string]string
	}{
		{"cpu backend: nothing", "go", env(), nil},
		{"xla cpu: nothing", "xla:cpu", env(), nil},
		{"cuda: both set", "xla:cuda", env(),
			map[string]string{NvidiaTF32EnvVar: "0", XLAFlagsEnvVar: TritonGEMMFlag}},
		{"plugin path: both set", "xla:/p/jax_plugins/xla_cuda13/xla_cuda_plugin.so", env(),
			map[string]string{NvidiaTF32EnvVar: "0", XLAFlagsEnvVar: TritonGEMMFlag}},
		{"user's XLA_FLAGS kept, flag appended", "xla:cuda", env(XLAFlagsEnvVar, "--xla_dump_to=/tmp/x"),
			map[string]string{NvidiaTF32EnvVar: "0", XLAFlagsEnvVar: "--xla_dump_to=/tmp/x " + TritonGEMMFlag}},
		{"user chose triton", "xla:cuda", env(XLAFlagsEnvVar, "--xla_gpu_enable_triton_gemm=true"),
			map[string]string{NvidiaTF32EnvVar: "0"}},
		{"user chose TF32", "xla:cuda", env(NvidiaTF32EnvVar, "1"),
			map[string]string{XLAFlagsEnvVar: TritonGEMMFlag}},
		{"opt-in to speed", "xla:cuda", env(TF32EnvVar, "1"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ExactGPUEnv(tc.config, tc.getenv)
			if len(got) != len(tc.want) {
				t.Fatalf("ExactGPUEnv = %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// fakeVenv makes a Python virtualenv holding an (empty) xla-cpu-pjrt plugin
// file and returns the venv and the plugin's path.
func fakeVenv(t *testing.T, python string) (venv, plugin string) {
	t.Helper()
	venv = t.TempDir()
	plugin = filepath.Join(venv, "lib", python, "site-packages", CPUPluginInSitePackages)
	if err := os.MkdirAll(filepath.Dir(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plugin, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return venv, plugin
}

func TestFindCPUPlugin(t *testing.T) {
	none := func(string) string { return "" }
	empty := t.TempDir()
	venv, plugin := fakeVenv(t, "python3.11")
	if got := findCPUPlugin(none, []string{empty}); got != "" {
		t.Errorf("no plugin anywhere: got %q", got)
	}
	if got := findCPUPlugin(none, []string{empty, venv}); got != plugin {
		t.Errorf("plugin in the second venv: got %q, want %q", got, plugin)
	}
	explicit := func(k string) string {
		if k == CPUPluginEnvVar {
			return "/opt/pjrt/my_cpu_plugin.so"
		}
		return ""
	}
	if got := findCPUPlugin(explicit, []string{venv}); got != "/opt/pjrt/my_cpu_plugin.so" {
		t.Errorf("%s set: got %q", CPUPluginEnvVar, got)
	}
	// $RNNGO_TOOLS/venv is searched first.
	tools := t.TempDir()
	toolsPlugin := filepath.Join(tools, "venv", "lib", "python3.12", "site-packages", CPUPluginInSitePackages)
	if err := os.MkdirAll(filepath.Dir(toolsPlugin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(toolsPlugin, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	withTools := func(k string) string {
		if k == ToolsEnvVar {
			return tools
		}
		return ""
	}
	if got := CPUPlugin(withTools); got != toolsPlugin {
		t.Errorf("CPUPlugin with %s=%s: got %q, want %q", ToolsEnvVar, tools, got, toolsPlugin)
	}
}

func TestCPUConfig(t *testing.T) {
	for _, tc := range []struct {
		config, path, want string
	}{
		{"xla:cpu", "/v/xla_cpu_pjrt.so", "xla:/v/xla_cpu_pjrt.so,shared_buffers"},
		{"xla:cpu,shared_buffers", "/v/xla_cpu_pjrt.so", "xla:/v/xla_cpu_pjrt.so,shared_buffers"},
		{"xla:cpu,noshared_buffers", "/v/xla_cpu_pjrt.so", "xla:/v/xla_cpu_pjrt.so,noshared_buffers"},
		{"xla:CPU,tf32", "/v/xla_cpu_pjrt.so", "xla:/v/xla_cpu_pjrt.so,shared_buffers,tf32"},
		{"xla:cpu", "", "xla:cpu"}, // no plugin installed: GoMLX's own lookup (and installer)
	} {
		if !IsCPUConfig(tc.config) {
			t.Errorf("IsCPUConfig(%q) = false", tc.config)
		}
		if got := withCPUPlugin(tc.config, tc.path); got != tc.want {
			t.Errorf("withCPUPlugin(%q, %q) = %q, want %q", tc.config, tc.path, got, tc.want)
		}
	}
	for _, config := range []string{"", "go", "xla", "xla:cuda", "xla:/p/xla_cpu_pjrt.so", "go:cpu"} {
		if IsCPUConfig(config) {
			t.Errorf("IsCPUConfig(%q) = true", config)
		}
		if got := resolveCPUPlugin(config, func(string) string { return "/x.so" }); got != config {
			t.Errorf("resolveCPUPlugin(%q) = %q, want it unchanged", config, got)
		}
	}
	// Config resolves "xla:cpu" through $RNNGO_XLA_CPU_PLUGIN.
	t.Setenv(CPUPluginEnvVar, "/opt/pjrt/cpu.so")
	if got := Config("xla:cpu"); got != "xla:/opt/pjrt/cpu.so,shared_buffers" {
		t.Errorf("Config(xla:cpu) with %s set = %q", CPUPluginEnvVar, got)
	}
	if IsGPUConfig(Config("xla:cpu")) {
		t.Error("the resolved CPU plugin counts as a GPU configuration")
	}
}
