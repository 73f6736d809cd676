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
