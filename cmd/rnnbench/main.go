// Command rnnbench measures the homework's workloads in Go and, where
// PyTorch is installed, the same workloads in PyTorch (the scripts in
// tools/pytorch mirror the lecture's and mathor's code), side by side on the
// same machine, and prints a table of medians.
//
//	go run ./cmd/rnnbench [-reps 3] [-workloads hello,charrnn,gated,mathor,gonb] [-out DIR] [-allow-reference-blas]
//	go run -tags xla ./cmd/rnnbench [-xla-cpu auto|on|off] …   # with the XLA CPU column
//	rnnbench -root BUNDLE -python PY -torch-device cuda -workloads charrnn,gated,mathor   # on a GPU
//
// scripts/bench.sh sets up and runs it; scripts/gpu-check.sh runs it on a GPU
// machine from a bundle (-root: the folder holding tools/pytorch, instead of
// the repository), with PyTorch on CUDA (-torch-device cuda) where the
// Python it is given has a CUDA build of torch. Every repetition runs each workload
// once per implementation, alternating PyTorch, Go and Go with GoMLX's plain
// autodiff (instead of pkg/rnn's hand-derived gradients), each in a fresh
// process, so that machine drift hits all of them. It first asks PyTorch
// which BLAS it multiplies with (tools/pytorch/blas_info.py) and prints it
// with the table; against the reference BLAS — what Debian's python3-torch
// uses on a fresh machine, 5–7x slower than OpenBLAS — it prints no ratios
// unless -allow-reference-blas is given. Timings are wall time of
// the timed region only (the training loop, graph compilation included for
// Go; one training step for the char-RNN). The gonb rows time the notebooks
// themselves: each executed headless from a clean kernel with an empty Go
// build cache (cold) and again (warm), and one cell re-run in a live kernel.
//
// Built with -tags xla and with the PJRT CPU plugin installed (scripts/setup.sh
// --xla-cpu; backend.CPUPlugin finds it), every Go workload also runs on GoMLX's
// XLA backend on the CPU (GOMLX_BACKEND=xla:cpu), in its own column, and the
// notebooks once more, warm, with GoNB compiling their cells with -tags=xla.
// XLA compiles each graph before its first run; that time is reported in a
// column of its own: for the char-RNN steps the first step less a step, for
// the trainings the estimate c = t₁ − (t_N − t₁)/(N − 1) from a one-epoch run
// t₁ and the full run t_N, each in a fresh process. The first row is how long
// creating the backend takes (for XLA: loading the plugin), which every
// process — every notebook cell — pays.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
)

var (
	flagReps      = flag.Int("reps", 3, "repetitions of every measurement (the table shows medians)")
	flagWorkloads = flag.String("workloads", "hello,charrnn,gated,mathor,gonb", "comma-separated workloads to run (gated: the char-RNN step with LSTM and GRU)")
	flagOut       = flag.String("out", "", "directory for results.md and results.json (default: build/bench in the repository; a relative path is relative to the current directory)")
	flagRefBLAS   = flag.Bool("allow-reference-blas", false, "print Go/PyTorch ratios even when PyTorch multiplies with the reference BLAS (an unfair anchor)")
	flagPython    = flag.String("python", "", `Python with torch and numpy (default: found automatically; "none": measure the Go side only)`)
	flagRoot      = flag.String("root", "", "folder holding tools/pytorch, where the PyTorch scripts run (default: the repository around the current directory)")
	flagDevice    = flag.String("torch-device", "cpu", "where PyTorch runs the char-RNN, -LSTM, -GRU and mathor workloads: cpu or cuda (hello→ohlol always runs on the CPU)")
	flagEpochs    = flag.Int("mathor-epochs", 5000, "epochs of mathor's training")
	flagAutoReps  = flag.Int("autodiff-reps", 1, "repetitions of the (slow) plain-autodiff mathor run; 0 skips it")
	flagGonbReps  = flag.Int("gonb-reps", 1, "repetitions of the (slow) notebook timings")
	flagNotebooks = flag.String("notebooks", "", "with the gonb workload, only the notebooks whose names start with one of these comma-separated prefixes (default: all)")
	flagXLA       = flag.String("xla-cpu", "auto", "the XLA CPU column (GOMLX_BACKEND=xla:cpu): auto (where rnnbench is built with -tags xla, the PJRT CPU plugin is installed and the Go column is not XLA already), on or off")
	flagGo        = flag.String("go", "", "internal: run one Go workload in this process and print its timings")
	flagAutodiff  = flag.Bool("autodiff", false, "internal: with -go, use GoMLX's plain autodiff")
	flagHelloEp   = flag.Int("hello-epochs", 0, "internal: with -go hello, epochs instead of the lecture's 15")
)

// xlaCPUConfig is the backend configuration of the XLA CPU column.
const xlaCPUConfig = "xla:cpu"

// row is one line of the result table: timings in seconds, per implementation.
type row struct {
	Workload string
	Unit     string // what one timing is: "15 epochs", "one step", …
	PyTorch  []float64
	Go       []float64
	Autodiff []float64
	// XLA is the same workload on GoMLX's XLA backend on the CPU, and
	// XLACompile the part of it that compiled graphs (see the package doc).
	XLA        []float64 `json:",omitempty"`
	XLACompile []float64 `json:",omitempty"`
	Note       string
}

func main() {
	flag.Parse()
	if *flagGo != "" {
		if err := runGoWorkload(*flagGo, *flagAutodiff, *flagEpochs, *flagHelloEp); err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := benchRoot(*flagRoot)
	if err != nil {
		return err
	}
	device := *flagDevice
	if device != "cpu" && device != "cuda" {
		return fmt.Errorf("-torch-device %q: expected cpu or cuda", device)
	}
	workloads := map[string]bool{}
	for _, w := range strings.Split(*flagWorkloads, ",") {
		switch w = strings.TrimSpace(w); w {
		case "hello", "charrnn", "gated", "mathor", "gonb":
			workloads[w] = true
		case "":
		default:
			return fmt.Errorf("unknown workload %q: expected hello, charrnn, gated, mathor or gonb", w)
		}
	}
	py := *flagPython
	switch py {
	case "none":
		py = ""
		fmt.Fprintln(os.Stderr, "PyTorch left out (-python none): only the Go side is measured")
	case "":
		if py = pyref.Python(); py == "" {
			fmt.Fprintln(os.Stderr, "PyTorch not found: only the Go side is measured (scripts/setup.sh --pytorch installs it)")
		}
	}
	var anchor pytorchInfo
	if py != "" {
		if anchor, err = describePyTorch(root, py, device); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "PyTorch: %s\n", anchor)
		if anchor.unfair() && !*flagRefBLAS {
			fmt.Fprintln(os.Stderr, "PyTorch multiplies with the reference BLAS here, several times slower than an optimised one: "+
				"no Go/PyTorch ratio is printed (install libopenblas0-pthread, e.g. scripts/setup.sh --pytorch as root, "+
				"or pass -allow-reference-blas)")
		}
	}
	xla, xlaWhy, err := xlaCPUColumn(*flagXLA)
	if err != nil {
		return err
	}
	if xla {
		fmt.Fprintf(os.Stderr, "XLA CPU column: GOMLX_BACKEND=%s → %s\n", xlaCPUConfig, backend.Config(xlaCPUConfig))
	} else if xlaWhy != "" {
		fmt.Fprintf(os.Stderr, "no XLA CPU column: %s\n", xlaWhy)
	}
	outDir := *flagOut
	if outDir == "" {
		outDir = filepath.Join(root, "build", "bench")
	} else if outDir, err = filepath.Abs(outDir); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	rows := map[string]*row{}
	order := []string{}
	get := func(name, unit string) *row {
		if r, ok := rows[name]; ok {
			return r
		}
		rows[name] = &row{Workload: name, Unit: unit}
		order = append(order, name)
		return rows[name]
	}
	loadRow := func(xlaRun bool, t map[string]float64) {
		r := get("creating the backend (XLA: loading the PJRT plugin)", "once a process")
		if xlaRun {
			r.XLA = append(r.XLA, t["load"])
		} else {
			r.Go = append(r.Go, t["load"])
		}
		r.Note = "every notebook cell is a new process"
	}
	// goRun runs a Go workload in a fresh process: on the backend of the
	// environment (the Go column), or with xlaRun on XLA's CPU plugin.
	goRun := func(workload string, autodiff, xlaRun bool, extra ...string) (map[string]float64, error) {
		args := append([]string{"-go", workload, "-mathor-epochs", strconv.Itoa(*flagEpochs)}, extra...)
		if autodiff {
			args = append(args, "-autodiff")
		}
		var env []string
		if xlaRun {
			env = []string{backend.EnvVar + "=" + xlaCPUConfig}
		}
		t, err := timingsEnv(root, env, self, args...)
		if err == nil && !autodiff && len(extra) == 0 {
			loadRow(xlaRun, t)
		}
		return t, err
	}
	helloUnit, mathorUnit := "15 epochs", fmt.Sprintf("%d epochs", *flagEpochs)
	for rep := 1; rep <= *flagReps; rep++ {
		fmt.Fprintf(os.Stderr, "repetition %d of %d\n", rep, *flagReps)
		if workloads["hello"] {
			if py != "" {
				t, err := timings(root, py, "tools/pytorch/hello_ohlol.py", "--time", "1")
				if err != nil {
					return err
				}
				for v := 1; v <= 3; v++ {
					r := get(fmt.Sprintf("hello→ohlol variant %d", v), helloUnit)
					r.PyTorch = append(r.PyTorch, t[fmt.Sprintf("variant%d", v)])
					if device != "cpu" {
						r.Note = "PyTorch on the CPU"
					}
				}
			}
			for _, autodiff := range []bool{false, true} {
				t, err := goRun("hello", autodiff, false)
				if err != nil {
					return err
				}
				for v := 1; v <= 3; v++ {
					get(fmt.Sprintf("hello→ohlol variant %d", v), helloUnit).addGo(autodiff, t[fmt.Sprintf("variant%d", v)])
				}
			}
			if xla {
				full, err := goRun("hello", false, true)
				if err != nil {
					return err
				}
				one, err := goRun("hello", false, true, "-hello-epochs", "1")
				if err != nil {
					return err
				}
				for v := 1; v <= 3; v++ {
					key := fmt.Sprintf("variant%d", v)
					r := get(fmt.Sprintf("hello→ohlol variant %d", v), helloUnit)
					r.XLA = append(r.XLA, full[key])
					r.XLACompile = append(r.XLACompile, compileEstimate(one[key], full[key], 15))
				}
			}
		}
		for _, cell := range []struct{ workload, key, layer string }{
			{"charrnn", "charrnn", "RNN"}, {"gated", "charlstm", "LSTM"}, {"gated", "chargru", "GRU"},
		} {
			if !workloads[cell.workload] {
				continue
			}
			r := get(fmt.Sprintf("char-%s step (B=32, T=32, E=32, H=128, V=64)", cell.layer), "one step")
			if py != "" {
				t, err := timings(root, py, pytorchArgs(device, "tools/pytorch/charrnn_step.py", "--cell", strings.TrimPrefix(cell.key, "char"))...)
				if err != nil {
					return err
				}
				r.PyTorch = append(r.PyTorch, t[cell.key])
			}
			for _, autodiff := range []bool{false, true} {
				t, err := goRun(cell.key, autodiff, false)
				if err != nil {
					return err
				}
				r.addGo(autodiff, t[cell.key])
			}
			if xla {
				t, err := goRun(cell.key, false, true)
				if err != nil {
					return err
				}
				r.XLA = append(r.XLA, t[cell.key])
				r.XLACompile = append(r.XLACompile, max(0, t[cell.key+".first"]-t[cell.key]))
			}
		}
		if workloads["mathor"] {
			r := get("mathor's encoder–decoder", mathorUnit)
			if py != "" {
				t, err := timings(root, py, pytorchArgs(device, "tools/pytorch/mathor_seq2seq.py", "--time", "1", "--epochs", strconv.Itoa(*flagEpochs))...)
				if err != nil {
					return err
				}
				r.PyTorch = append(r.PyTorch, t["mathor"])
			}
			t, err := goRun("mathor", false, false)
			if err != nil {
				return err
			}
			r.Go = append(r.Go, t["mathor"])
			if rep <= *flagAutoReps {
				t, err := goRun("mathor", true, false)
				if err != nil {
					return err
				}
				r.Autodiff = append(r.Autodiff, t["mathor"])
			}
			if xla {
				full, err := goRun("mathor", false, true)
				if err != nil {
					return err
				}
				r.XLA = append(r.XLA, full["mathor"])
				if *flagEpochs > 1 {
					one, err := goRun("mathor", false, true, "-mathor-epochs", "1")
					if err != nil {
						return err
					}
					r.XLACompile = append(r.XLACompile, compileEstimate(one["mathor"], full["mathor"], *flagEpochs))
				}
			}
		}
		if workloads["gonb"] && rep <= *flagGonbReps {
			if err := gonbRow(root, py, rep, get, xla); err != nil {
				return err
			}
		}
	}
	var sorted []*row
	for _, name := range order {
		sorted = append(sorted, rows[name])
	}
	showRatios := py != "" && (!anchor.unfair() || *flagRefBLAS)
	table := markdown(sorted, anchor, showRatios)
	fmt.Print(table)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(outDir, "results.md"), []byte(table), 0o644); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(struct {
		PyTorch map[string]string
		Rows    []*row
	}{anchor.fields, sorted}, "", " ")
	fmt.Fprintf(os.Stderr, "written: %s\n", filepath.Join(outDir, "results.md"))
	return os.WriteFile(filepath.Join(outDir, "results.json"), data, 0o644)
}

// pytorchArgs is the command line of a PyTorch script that can run on a GPU
// (charrnn_step.py, mathor_seq2seq.py): "--device cuda" added unless device
// is the CPU, their default.
func pytorchArgs(device, script string, args ...string) []string {
	args = append([]string{script}, args...)
	if device != "cpu" {
		args = append(args, "--device", device)
	}
	return args
}

func (r *row) addGo(autodiff bool, v float64) {
	if autodiff {
		r.Autodiff = append(r.Autodiff, v)
	} else {
		r.Go = append(r.Go, v)
	}
}

// gonbRow times the notebooks: headless execution with an empty Go build
// cache (cold) then again (warm), and a warm re-run of one cell. With xla,
// each notebook also runs warm on XLA's CPU plugin (GOMLX_BACKEND=xla:cpu,
// cells compiled with -tags=xla as scripts/run.sh does), after the build
// cache was warmed for -tags xla as scripts/setup.sh --xla-cpu does.
func gonbRow(root, py string, rep int, get func(name, unit string) *row, xla bool) error {
	notebooks, err := filepath.Glob(filepath.Join(root, "notebooks", "[0-9]*.ipynb"))
	if err != nil {
		return err
	}
	sort.Strings(notebooks)
	notebooks = selectNotebooks(notebooks, *flagNotebooks)
	var xlaEnv []string
	if xla {
		if xlaEnv, err = xlaNotebookEnv(root); err != nil {
			return err
		}
	}
	execute := func(nb string, env []string) (float64, error) {
		out, err := os.MkdirTemp("", "rnnbench-nb-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(out)
		start := time.Now()
		cmd := exec.Command("jupyter", "nbconvert", "--to", "notebook", "--execute",
			"--ExecutePreprocessor.kernel_name=gonb", "--ExecutePreprocessor.timeout=1800", "--output-dir", out, nb)
		cmd.Dir = filepath.Dir(nb)
		cmd.Env = append(os.Environ(), env...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("executing %s (%s): %v\n%s", nb, strings.Join(env, " "), err, lastLines(string(msg), 20))
		}
		return time.Since(start).Seconds(), nil
	}
	// A notebook that fails to run is noted in its row, and the others are
	// still measured.
	failed := func(r *row, what string, err error) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", r.Workload, err)
		r.Note = strings.TrimPrefix(r.Note+"; "+what+" run failed", "; ")
	}
	for _, nb := range notebooks {
		name := strings.TrimSuffix(filepath.Base(nb), ".ipynb")
		cache, err := os.MkdirTemp("", "rnnbench-gocache-")
		if err != nil {
			return err
		}
		for _, phase := range []string{"cold", "warm"} {
			r := get(fmt.Sprintf("notebook %s, %s", name, phase), "headless run")
			if d, err := execute(nb, []string{"GOCACHE=" + cache}); err != nil {
				failed(r, "Go", err)
			} else {
				r.Go = append(r.Go, d)
			}
		}
		if xla {
			r := get(fmt.Sprintf("notebook %s, warm", name), "headless run")
			if err := warmXLABuild(root, cache); err != nil {
				return err
			}
			if d, err := execute(nb, append([]string{"GOCACHE=" + cache}, xlaEnv...)); err != nil {
				failed(r, "XLA CPU", err)
			} else {
				r.XLA = append(r.XLA, d)
			}
		}
		_ = os.RemoveAll(cache)
	}
	if py == "" {
		py = "/usr/bin/python3"
	}
	r := get("one cell re-run in a live kernel (01, part 2)", "re-run")
	r.Note = "GoNB recompiles the cell's program each time"
	args := []string{"tools/bench/gonb_cell.py", filepath.Join(root, "notebooks", "01-srn.ipynb"), "numpySRN(os.Stdout, math.Tanh)"}
	if t, err := timings(root, py, args...); err != nil {
		failed(r, "Go", err)
	} else {
		r.Go = append(r.Go, t["rerun"])
	}
	if xla {
		if t, err := timingsEnv(root, xlaEnv, py, args...); err != nil {
			failed(r, "XLA CPU", err)
		} else {
			r.XLA = append(r.XLA, t["rerun"])
		}
	}
	return nil
}

// selectNotebooks keeps the notebooks whose file names start with one of
// the comma-separated prefixes (all of them for "").
func selectNotebooks(notebooks []string, prefixes string) []string {
	if strings.TrimSpace(prefixes) == "" {
		return notebooks
	}
	var keep []string
	for _, nb := range notebooks {
		for _, p := range strings.Split(prefixes, ",") {
			if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(filepath.Base(nb), p) {
				keep = append(keep, nb)
				break
			}
		}
	}
	return keep
}

// xlaNotebookEnv is the environment that runs a notebook on XLA's CPU plugin,
// as scripts/run.sh --backend xla:cpu sets it: GOMLX_BACKEND, and GOFLAGS
// (go env's, which an environment variable would replace) with -tags=xla.
func xlaNotebookEnv(root string) ([]string, error) {
	cmd := exec.Command("go", "env", "GOFLAGS")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOFLAGS: %v", err)
	}
	return []string{backend.EnvVar + "=" + xlaCPUConfig, "GOFLAGS=" + withXLATag(string(out))}, nil
}

// withXLATag adds -tags=xla to GOFLAGS unless it is there.
func withXLATag(goflags string) string {
	f := strings.Fields(goflags)
	for _, x := range f {
		if x == "-tags=xla" {
			return strings.Join(f, " ")
		}
	}
	return strings.Join(append(f, "-tags=xla"), " ")
}

// nbImport matches an import path in a notebook's JSON: \"github.com/…\".
var nbImport = regexp.MustCompile(`\\"((?:github\.com|gonum\.org|golang\.org)/[^\\"]+)\\"`)

// warmXLABuild builds, with -tags xla and the Go build cache cache, what
// scripts/setup.sh --xla-cpu builds: this module's pkg/..., GoNB's gonbui and
// every package a notebook imports.
func warmXLABuild(root, cache string) error {
	pkgs := map[string]bool{"./pkg/...": true, "github.com/janpfeifer/gonb/gonbui": true}
	files, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, m := range nbImport.FindAllSubmatch(data, -1) {
			pkgs[string(m[1])] = true
		}
	}
	args := []string{"build", "-tags", "xla"}
	for p := range pkgs {
		args = append(args, p)
	}
	sort.Strings(args[3:])
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOCACHE="+cache)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build -tags xla (warming the notebooks' build cache): %v\n%s", err, lastLines(string(out), 20))
	}
	return nil
}

// xlaCPUColumn decides whether the XLA CPU column is measured (-xla-cpu):
// "auto" where XLA is compiled in, the PJRT CPU plugin is installed and the
// Go column does not run on XLA already; "on" fails where it cannot be; "off".
// why says why not.
func xlaCPUColumn(mode string) (on bool, why string, err error) {
	switch mode {
	case "off":
		return false, "", nil
	case "on", "auto":
	default:
		return false, "", fmt.Errorf("-xla-cpu %q: expected auto, on or off", mode)
	}
	compiled := false
	for _, n := range backends.List() {
		compiled = compiled || n == "xla"
	}
	primary, _, _ := strings.Cut(backendConfig(), ":")
	switch {
	case !compiled:
		why = "rnnbench was built without -tags xla"
	case backend.CPUPlugin(os.Getenv) == "":
		why = "no PJRT CPU plugin installed (scripts/setup.sh --xla-cpu)"
	case mode == "auto" && primary != "go":
		why = fmt.Sprintf("the Go column runs on %q already", backendConfig())
	}
	if why != "" && mode == "on" {
		return false, why, fmt.Errorf("-xla-cpu on: %s", why)
	}
	return why == "", why, nil
}

// compileEstimate is the compilation part of a training run: from t1, one
// epoch (compilation and one epoch), and tN, n epochs, each in a fresh
// process, c = t1 − (tN − t1)/(n − 1); never below zero.
func compileEstimate(t1, tN float64, n int) float64 {
	if n <= 1 {
		return 0
	}
	return max(0, t1-(tN-t1)/float64(n-1))
}

// timings runs a command in root and parses lines "name … seconds" from its
// output (the last number of a line whose first word is the name).
func timings(root, name string, args ...string) (map[string]float64, error) {
	return timingsEnv(root, nil, name, args...)
}

// timingsEnv is timings with env added to the command's environment.
func timingsEnv(root string, env []string, name string, args ...string) (map[string]float64, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s%s %s: %v\n%s", strings.Join(append(env, ""), " "), name, strings.Join(args, " "), err, lastLines(stderr.String(), 20))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			out[f[0]] = v
		}
	}
	return out, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func seconds(v []float64) string {
	if len(v) == 0 {
		return "—"
	}
	m := median(v)
	switch {
	case m < 1:
		return fmt.Sprintf("%.1f ms", m*1000)
	default:
		return fmt.Sprintf("%.2f s", m)
	}
}

func ratio(a, b []float64) string {
	if len(a) == 0 || len(b) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", median(a)/median(b))
}

// pytorchInfo is what tools/pytorch/blas_info.py says of the PyTorch the
// benchmark runs: its version, the BLAS it multiplies with and its CUDA
// device; device is where the char-RNN and mathor workloads run (-torch-device).
type pytorchInfo struct {
	fields map[string]string
	device string
}

func describePyTorch(root, py, device string) (pytorchInfo, error) {
	cmd := exec.Command(py, "tools/pytorch/blas_info.py")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return pytorchInfo{}, fmt.Errorf("%s tools/pytorch/blas_info.py: %v", py, err)
	}
	info := pytorchInfo{fields: map[string]string{}, device: device}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			info.fields[k] = strings.TrimSpace(v)
		}
	}
	if device == "cuda" && (info.fields["cuda_device"] == "" || info.fields["cuda_device"] == "none") {
		return info, fmt.Errorf("-torch-device cuda: %s sees no CUDA device (torch %s, CUDA %s)",
			py, info.fields["torch"], info.fields["cuda"])
	}
	return info, nil
}

// reference reports whether PyTorch multiplies with the reference BLAS.
func (p pytorchInfo) reference() bool { return p.fields["blas_kind"] == "reference" }

// unfair reports whether PyTorch is an unfair anchor: on the CPU with the
// reference BLAS (on a GPU its matrix products do not use the BLAS).
func (p pytorchInfo) unfair() bool { return p.reference() && p.device != "cuda" }

func (p pytorchInfo) String() string {
	if p.fields == nil {
		return "not measured"
	}
	f := p.fields
	s := fmt.Sprintf("torch %s, NumPy %s, BLAS %s (%s) with %s threads, %s intra-op thread(s)",
		f["torch"], f["numpy"], f["blas_kind"], f["blas_library"], f["blas_threads"], f["torch_threads"])
	if p.device == "cuda" {
		s += fmt.Sprintf("; char-RNN and mathor on CUDA: %s (CUDA %s)", f["cuda_device"], f["cuda"])
	}
	return s
}

// markdown renders the rows as a table: medians, the Go/PyTorch ratio
// (left out with showRatios false) and the number of repetitions; where any
// row was measured on XLA's CPU plugin, its columns too (time, ratio to
// PyTorch, compilation).
func markdown(rows []*row, anchor pytorchInfo, showRatios bool) string {
	withXLA := false
	for _, r := range rows {
		withXLA = withXLA || len(r.XLA) > 0
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Measured %s on %s, %d CPUs (wall time, median of repetitions).\n",
		time.Now().UTC().Format("2006-01-02"), cpuName(), numCPU())
	fmt.Fprintf(&sb, "PyTorch: %s. Go: GoMLX %s, backend %q.\n", anchor, gomlxVersion(), backendConfig())
	if withXLA {
		fmt.Fprintf(&sb, "XLA CPU: GoMLX's XLA backend, GOMLX_BACKEND=%s → %q; its compile column is the part of the time "+
			"spent compiling graphs (char-RNN steps: the first step less a step; trainings: t₁ − (t_N − t₁)/(N − 1) from a "+
			"one-epoch run), already included in the time.\n", xlaCPUConfig, backend.Config(xlaCPUConfig))
	}
	sb.WriteString("\n")
	if anchor.unfair() && !showRatios {
		sb.WriteString("PyTorch runs on the reference BLAS here: ratios left out (unfair anchor).\n\n")
	}
	ratio := ratio
	if !showRatios {
		ratio = func(_, _ []float64) string { return "—" }
	}
	if withXLA {
		sb.WriteString("| workload | unit | PyTorch | Go | Go / PyTorch | XLA CPU | XLA CPU / PyTorch | XLA CPU compile | Go, plain autodiff | runs | note |\n")
		sb.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |\n", r.Workload, r.Unit, seconds(r.PyTorch),
				seconds(r.Go), ratio(r.Go, r.PyTorch), seconds(r.XLA), ratio(r.XLA, r.PyTorch), seconds(r.XLACompile),
				seconds(r.Autodiff), max(len(r.Go), len(r.XLA)), r.Note)
		}
		return sb.String()
	}
	sb.WriteString("| workload | unit | PyTorch | Go | Go / PyTorch | Go, plain autodiff | runs | note |\n")
	sb.WriteString("|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s | %s | %d | %s |\n", r.Workload, r.Unit, seconds(r.PyTorch),
			seconds(r.Go), ratio(r.Go, r.PyTorch), seconds(r.Autodiff), len(r.Go), r.Note)
	}
	return sb.String()
}

func cpuName() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

func numCPU() int { return runtime.NumCPU() }

// benchRoot is the folder the PyTorch scripts run in: -root where given
// (it must hold tools/pytorch), else the repository around the current directory.
func benchRoot(flagRoot string) (string, error) {
	if flagRoot == "" {
		return repoRoot()
	}
	root, err := filepath.Abs(flagRoot)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(filepath.Join(root, "tools", "pytorch")); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("-root %s: no tools/pytorch folder there", flagRoot)
	}
	return root, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "tools", "pytorch")); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("run rnnbench inside the repository (no go.mod with tools/pytorch above %s)", dir)
		}
	}
}

// gomlxVersion is the GoMLX module version this binary was built with.
func gomlxVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/gomlx/gomlx" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

// backendConfig is the backend configuration the Go workloads run with.
func backendConfig() string { return backend.Config(os.Getenv(backend.EnvVar)) }
