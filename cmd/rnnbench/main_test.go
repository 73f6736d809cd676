package main

import (
	"strings"
	"testing"
)

// TestNoRatiosAgainstReferenceBLAS: with PyTorch on the reference BLAS the
// table keeps the timings but leaves the ratio column out, and says why.
func TestNoRatiosAgainstReferenceBLAS(t *testing.T) {
	rows := []*row{{Workload: "w", Unit: "one step", PyTorch: []float64{0.05}, Go: []float64{0.1}}}
	ref := pytorchInfo{fields: map[string]string{"blas_kind": "reference", "torch": "1.13"}}
	table := markdown(rows, ref, false)
	if !strings.Contains(table, "| 50.0 ms | 100.0 ms | — |") || !strings.Contains(table, "reference BLAS") {
		t.Errorf("reference BLAS without -allow-reference-blas:\n%s", table)
	}
	if table = markdown(rows, ref, true); !strings.Contains(table, "| 50.0 ms | 100.0 ms | 2.00 |") {
		t.Errorf("reference BLAS with -allow-reference-blas:\n%s", table)
	}
	open := pytorchInfo{fields: map[string]string{"blas_kind": "openblas"}}
	if open.reference() || !ref.reference() {
		t.Error("reference() misreads blas_kind")
	}
}

// TestPyTorchOnCUDA: -torch-device cuda adds "--device cuda" to the scripts
// that can run on a GPU, names the device in the table, and does not hold the
// CPU's reference BLAS against a GPU run.
func TestPyTorchOnCUDA(t *testing.T) {
	if got := strings.Join(pytorchArgs("cpu", "tools/pytorch/charrnn_step.py", "--cell", "rnn"), " "); got != "tools/pytorch/charrnn_step.py --cell rnn" {
		t.Errorf("on the CPU: %q", got)
	}
	if got := strings.Join(pytorchArgs("cuda", "tools/pytorch/mathor_seq2seq.py", "--time", "1"), " "); got != "tools/pytorch/mathor_seq2seq.py --time 1 --device cuda" {
		t.Errorf("on CUDA: %q", got)
	}
	gpu := pytorchInfo{fields: map[string]string{"blas_kind": "reference", "torch": "2.5", "cuda": "12.4", "cuda_device": "NVIDIA H200"}, device: "cuda"}
	if gpu.unfair() {
		t.Error("a CUDA run is not judged by the CPU's BLAS")
	}
	if s := gpu.String(); !strings.Contains(s, "on CUDA: NVIDIA H200 (CUDA 12.4)") {
		t.Errorf("String() = %q does not name the GPU", s)
	}
	rows := []*row{{Workload: "w", Unit: "one step", PyTorch: []float64{0.002}, Go: []float64{0.001}}}
	if table := markdown(rows, gpu, true); !strings.Contains(table, "| 2.0 ms | 1.0 ms | 0.50 |") || strings.Contains(table, "reference BLAS here") {
		t.Errorf("CUDA table:\n%s", table)
	}
}

func TestBenchRoot(t *testing.T) {
	if _, err := benchRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no tools/pytorch folder") {
		t.Errorf("-root without tools/pytorch: %v", err)
	}
	root, err := benchRoot("../..")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := repoRoot(); root != want {
		t.Errorf("-root ../.. = %s, want the repository %s", root, want)
	}
}

// TestXLAColumns: rows measured on XLA's CPU plugin add its columns (time,
// ratio to PyTorch, compilation); without any, the table keeps its old shape.
func TestXLAColumns(t *testing.T) {
	rows := []*row{
		{Workload: "w", Unit: "one step", PyTorch: []float64{0.004}, Go: []float64{0.06}, XLA: []float64{0.002, 0.003, 0.0025}, XLACompile: []float64{1.5}},
		{Workload: "nb", Unit: "headless run", Go: []float64{30}},
	}
	open := pytorchInfo{fields: map[string]string{"blas_kind": "openblas"}}
	table := markdown(rows, open, true)
	for _, want := range []string{
		"| PyTorch | Go | Go / PyTorch | XLA CPU | XLA CPU / PyTorch | XLA CPU compile |",
		"| w | one step | 4.0 ms | 60.0 ms | 15.00 | 2.5 ms | 0.62 | 1.50 s | — | 3 |",
		"| nb | headless run | — | 30.00 s | — | — | — | — | — | 1 |",
		"XLA CPU: GoMLX's XLA backend, GOMLX_BACKEND=xla:cpu",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	rows[0].XLA, rows[0].XLACompile = nil, nil
	if table := markdown(rows, open, true); strings.Contains(table, "XLA") {
		t.Errorf("no XLA rows, yet XLA columns:\n%s", table)
	}
}

func TestCompileEstimate(t *testing.T) {
	// 2 s of compilation, 10 ms an epoch: t₁ = 2.01 s, t₁₀₀ = 3 s.
	if got := compileEstimate(2.01, 3, 100); got < 1.9999 || got > 2.0001 {
		t.Errorf("compileEstimate = %v, want 2", got)
	}
	if got := compileEstimate(0.01, 5, 100); got != 0 {
		t.Errorf("noise below zero: %v, want 0", got)
	}
	if got := compileEstimate(1, 1, 1); got != 0 {
		t.Errorf("one epoch only: %v, want 0", got)
	}
}

func TestXLANotebookEnv(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "-tags=xla",
		"-buildvcs=false\n":         "-buildvcs=false -tags=xla",
		"-buildvcs=false -tags=xla": "-buildvcs=false -tags=xla",
	} {
		if got := withXLATag(in); got != want {
			t.Errorf("withXLATag(%q) = %q, want %q", in, got, want)
		}
	}
	// An import in a notebook's JSON, as setup.sh's grep finds it.
	src := `"import (\n",
    "\t\"github.com/gomlx/gomlx/pkg/core/graph\"\n",
    "\t\"fmt\"\n",`
	var got []string
	for _, m := range nbImport.FindAllStringSubmatch(src, -1) {
		got = append(got, m[1])
	}
	if len(got) != 1 || got[0] != "github.com/gomlx/gomlx/pkg/core/graph" {
		t.Errorf("imports found: %q", got)
	}
}

func TestXLACPUColumnFlag(t *testing.T) {
	if on, _, err := xlaCPUColumn("off"); on || err != nil {
		t.Errorf("-xla-cpu off: %v, %v", on, err)
	}
	if _, _, err := xlaCPUColumn("maybe"); err == nil {
		t.Error("-xla-cpu maybe: no error")
	}
	t.Setenv("GOMLX_BACKEND", "")
	t.Setenv("RNNGO_XLA_CPU_PLUGIN", "")
	on, why, err := xlaCPUColumn("auto")
	if err != nil {
		t.Fatal(err)
	}
	if !on && why == "" {
		t.Error("-xla-cpu auto off without a reason")
	}
	t.Logf("-xla-cpu auto here: %v (%s)", on, why)
}

func TestSelectNotebooks(t *testing.T) {
	all := []string{"/r/notebooks/01-srn.ipynb", "/r/notebooks/03-encoder-decoder.ipynb", "/r/notebooks/06-attention.ipynb"}
	if got := selectNotebooks(all, ""); len(got) != 3 {
		t.Errorf("no selection: %v", got)
	}
	if got := selectNotebooks(all, "03, 06-att"); strings.Join(got, " ") != "/r/notebooks/03-encoder-decoder.ipynb /r/notebooks/06-attention.ipynb" {
		t.Errorf("03, 06-att: %v", got)
	}
}
