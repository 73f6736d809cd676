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
