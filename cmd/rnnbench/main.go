// Command rnnbench measures the homework's workloads in Go and, where
// PyTorch is installed, the same workloads in PyTorch (the scripts in
// tools/pytorch mirror the lecture's and mathor's code), side by side on the
// same machine, and prints a table of medians.
//
//	go run ./cmd/rnnbench [-reps 3] [-workloads hello,charrnn,gated,mathor,gonb] [-out DIR] [-allow-reference-blas]
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
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

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
	flagGo        = flag.String("go", "", "internal: run one Go workload in this process and print its timings")
	flagAutodiff  = flag.Bool("autodiff", false, "internal: with -go, use GoMLX's plain autodiff")
)

// row is one line of the result table: timings in seconds, per implementation.
type row struct {
	Workload string
	Unit     string // what one timing is: "15 epochs", "one step", …
	PyTorch  []float64
	Go       []float64
	Autodiff []float64
	Note     string
}

func main() {
	flag.Parse()
	if *flagGo != "" {
		if err := runGoWorkload(*flagGo, *flagAutodiff, *flagEpochs); err != nil {
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
	goRun := func(workload string, autodiff bool) (map[string]float64, error) {
		args := []string{"-go", workload, "-mathor-epochs", strconv.Itoa(*flagEpochs)}
		if autodiff {
			args = append(args, "-autodiff")
		}
		return timings(root, self, args...)
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
				t, err := goRun("hello", autodiff)
				if err != nil {
					return err
				}
				for v := 1; v <= 3; v++ {
					get(fmt.Sprintf("hello→ohlol variant %d", v), helloUnit).addGo(autodiff, t[fmt.Sprintf("variant%d", v)])
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
				t, err := goRun(cell.key, autodiff)
				if err != nil {
					return err
				}
				r.addGo(autodiff, t[cell.key])
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
			t, err := goRun("mathor", false)
			if err != nil {
				return err
			}
			r.Go = append(r.Go, t["mathor"])
			if rep <= *flagAutoReps {
				t, err := goRun("mathor", true)
				if err != nil {
					return err
				}
				r.Autodiff = append(r.Autodiff, t["mathor"])
			}
		}
		if workloads["gonb"] && rep <= *flagGonbReps {
			if err := gonbRow(root, py, rep, get); err != nil {
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
// cache (cold) then again (warm), and a warm re-run of one cell.
func gonbRow(root, py string, rep int, get func(name, unit string) *row) error {
	notebooks, err := filepath.Glob(filepath.Join(root, "notebooks", "[0-9]*.ipynb"))
	if err != nil {
		return err
	}
	sort.Strings(notebooks)
	for _, nb := range notebooks {
		name := strings.TrimSuffix(filepath.Base(nb), ".ipynb")
		cache, err := os.MkdirTemp("", "rnnbench-gocache-")
		if err != nil {
			return err
		}
		for _, phase := range []string{"cold", "warm"} {
			out, err := os.MkdirTemp("", "rnnbench-nb-")
			if err != nil {
				return err
			}
			start := time.Now()
			cmd := exec.Command("jupyter", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.kernel_name=gonb", "--ExecutePreprocessor.timeout=1800", "--output-dir", out, nb)
			cmd.Dir = filepath.Dir(nb)
			cmd.Env = append(os.Environ(), "GOCACHE="+cache)
			if msg, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("executing %s: %v\n%s", nb, err, lastLines(string(msg), 20))
			}
			r := get(fmt.Sprintf("notebook %s, %s", name, phase), "headless run")
			r.Go = append(r.Go, time.Since(start).Seconds())
			_ = os.RemoveAll(out)
		}
		_ = os.RemoveAll(cache)
	}
	if py == "" {
		py = "/usr/bin/python3"
	}
	t, err := timings(root, py, "tools/bench/gonb_cell.py", filepath.Join(root, "notebooks", "01-srn.ipynb"), "numpySRN(math.Tanh, true)")
	if err != nil {
		return err
	}
	r := get("one cell re-run in a live kernel (01, part 2)", "re-run")
	r.Go = append(r.Go, t["rerun"])
	r.Note = "GoNB recompiles the cell's program each time"
	return nil
}

// timings runs a command in root and parses lines "name … seconds" from its
// output (the last number of a line whose first word is the name).
func timings(root, name string, args ...string) (map[string]float64, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, lastLines(stderr.String(), 20))
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
// (left out with showRatios false) and the number of repetitions.
func markdown(rows []*row, anchor pytorchInfo, showRatios bool) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Measured %s on %s, %d CPUs (wall time, median of repetitions).\n",
		time.Now().UTC().Format("2006-01-02"), cpuName(), numCPU())
	fmt.Fprintf(&sb, "PyTorch: %s. Go: GoMLX %s, backend %q.\n\n", anchor, gomlxVersion(), backendConfig())
	if anchor.unfair() && !showRatios {
		sb.WriteString("PyTorch runs on the reference BLAS here: ratios left out (unfair anchor).\n\n")
	}
	ratio := ratio
	if !showRatios {
		ratio = func(_, _ []float64) string { return "—" }
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
