package notebooks

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["05-theory"] = check05 }

// number parses the float that re captures (its first group) in text,
// failing the test if re does not match.
func number(t *testing.T, what, text string, re *regexp.Regexp) float64 {
	t.Helper()
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s: no match for %s in:\n%s", what, re, text)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number: %v", what, m[1], err)
	}
	return v
}

var (
	diffLibrary = regexp.MustCompile(`手算与 pkg/rnn 的最大差：(\S+)`)
	diffPyTorch = regexp.MustCompile(`手算与 PyTorch 的最大差：(\S+)`)
	jacobianMax = regexp.MustCompile(`\d+ 个范数与 PyTorch 的最大差：(\S+)`)
	srnFalls    = regexp.MustCompile(`SRN 的准确率：K = 5 时 ([0-9.]+)，K = 35 时 ([0-9.]+)；`)
	gatedHold   = regexp.MustCompile(`K = 35：LSTM ([0-9.]+)，GRU ([0-9.]+)，SRN ([0-9.]+)；`)
	clipApplied = regexp.MustCompile(`实际使用的梯度范数最大 ([0-9.]+) ≤ max_norm ([0-9.]+)：`)
	clipFinite  = regexp.MustCompile(`每一步的损失都有限：(是|否)；`)
	clipDiverge = regexp.MustCompile(`第 (\d+) 步损失为 (NaN|\+Inf|-Inf)`)
)

// check05 checks notebook 05's claims, not its decimals: BPTT by hand equals
// the library's and PyTorch's gradients (1e-10); without activation the
// spectral-radius curves decay, stay and grow; the SRN's accuracy is lower at
// K = 35 than at K = 5, and there the LSTM and the GRU beat it; clipping keeps
// the applied gradient norm at or under the threshold and the clipped loss
// finite; the summary quotes the K = 35 accuracies.
func check05(t *testing.T, nb *nbrun.Notebook) {
	// The page shows the work: what each section teaches is defined in the
	// notebook's cells tagged "export" (internal/notebook05 is generated from them).
	var exported strings.Builder
	for _, c := range nb.Cells {
		if c.Type == "code" && slices.Contains(c.Tags, "export") {
			exported.WriteString(c.Source + "\n")
		}
	}
	for _, def := range []string{"func deltas(", "func bptt(", "func srnLayers(", "func libraryGradients(", "func jacobians(", "func flow(", "type classifier struct",
		"func newClassifier(", "func chrono(", "func newTrainer(", "func fit(", "func accuracy(", "func memory(", "func clipRun("} {
		if !strings.Contains(exported.String(), def) {
			t.Errorf("no exported cell defines %q", def)
		}
	}

	// Section 1: BPTT by hand.
	bptt := cellText(t, nb, "bptt-by-hand")
	for _, re := range []*regexp.Regexp{diffLibrary, diffPyTorch} {
		if d := number(t, "bptt-by-hand", bptt, re); !(d <= 1e-10) {
			t.Errorf("BPTT by hand differs by %g (> 1e-10): %s", d, re)
		}
	}
	if !strings.Contains(bptt, "手算 = pkg/rnn = PyTorch（最大差不超过 1e-10）：是") {
		t.Errorf("the BPTT cell does not conclude true:\n%s", bptt)
	}
	if d := number(t, "bptt-jacobian", cellText(t, nb, "bptt-jacobian"), jacobianMax); !(d <= 1e-10) {
		t.Errorf("‖∂h_t/∂h_0‖ differs from PyTorch's by %g", d)
	}

	// Section 2: the verdict column of the gradient-flow table, and the plot.
	flow := cell(t, nb, "flow")
	if !strings.Contains(flow.Text(), "<svg") {
		t.Errorf("the flow cell shows no plot")
	}
	verdicts := map[string]string{}
	for _, row := range htmlRows(flow.Text()) {
		if len(row) == 9 && row[0] != "ρ(U)" {
			verdicts[row[0]+" "+row[1]] = row[8]
		}
	}
	for key, want := range map[string]string{"0.5 无": "衰减", "1 无": "保持", "1.5 无": "增长",
		"0.5 tanh": "衰减", "1 tanh": "衰减", "1.5 tanh": "衰减"} {
		if got := verdicts[key]; got != want {
			t.Errorf("ρ(U) = %s: the curve %q, want %q (table %v)", key, got, want, verdicts)
		}
	}

	// Section 3: the memory experiment's table, plot and conclusions.
	memory := cellText(t, nb, "memory")
	rows := htmlRows(memory)
	if len(rows) != 8 {
		t.Fatalf("the memory table has %d rows, want a header and K = 5…35:\n%s", len(rows), memory)
	}
	check := cellText(t, nb, "memory-check")
	if !strings.Contains(check, "<svg") {
		t.Errorf("the memory-check cell shows no plot")
	}
	m := srnFalls.FindStringSubmatch(check)
	g := gatedHold.FindStringSubmatch(check)
	if m == nil || g == nil {
		t.Fatalf("the memory-check cell lacks its conclusions:\n%s", check)
	}
	f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	srn5, srn35, lstm35, gru35 := f(m[1]), f(m[2]), f(g[1]), f(g[2])
	if !(srn35 < srn5) {
		t.Errorf("SRN accuracy %v at K = 35 is not below %v at K = 5", srn35, srn5)
	}
	if !(lstm35 > srn35 && gru35 > srn35) || f(g[3]) != srn35 {
		t.Errorf("at K = 35 LSTM %v and GRU %v do not both beat the SRN %v", lstm35, gru35, srn35)
	}
	for i, row := range rows[1:] {
		if len(row) != 7 || row[0] != strconv.Itoa(5*(i+1)) {
			t.Fatalf("memory table row %d: %v", i+1, row)
		}
	}
	if last := rows[7]; last[1] != m[2] || last[2] != g[1] || last[3] != g[2] {
		t.Errorf("the conclusions (%v, %v, %v) are not the table's K = 35 row %v", m[2], g[1], g[2], last)
	}

	// Section 4: clipping.
	clip := cellText(t, nb, "clipping")
	a := clipApplied.FindStringSubmatch(clip)
	if a == nil {
		t.Fatalf("the clipping cell does not report the applied norm:\n%s", clip)
	}
	if applied, threshold := f(a[1]), f(a[2]); !(applied <= threshold) || threshold <= 0 {
		t.Errorf("clipping applied a gradient norm %v above max_norm %v", applied, threshold)
	}
	if fin := clipFinite.FindStringSubmatch(clip); fin == nil || fin[1] != "是" {
		t.Errorf("the clipped run's losses are not all finite:\n%s", clip)
	}
	if clipDiverge.FindStringSubmatch(clip) == nil {
		t.Errorf("the run without clipping does not diverge:\n%s", clip)
	}
	if strings.Count(clip, "<svg") != 2 {
		t.Errorf("the clipping cell should show two plots")
	}

	// The evidence behind the prose's qualifications: tanh curves over ten
	// random matrices, the SRN beside its baselines, the LSTM without the
	// chrono initialisation, the clipped run's gradient norms.
	for _, tag := range []string{"flow-seeds", "memory-baselines", "lstm-default", "clipping-norms"} {
		if !strings.Contains(cellText(t, nb, tag), "<table") {
			t.Errorf("the %s cell shows no table", tag)
		}
	}
	if !strings.Contains(check, "随 K 单调下降：") {
		t.Errorf("the memory-check cell does not say whether the SRN's accuracy falls monotonically:\n%s", check)
	}
	if strings.Contains(nb.Text(), "<progress") {
		t.Errorf("a progress bar is stored in the outputs: keep a training's final line only")
	}

	// The summary (小结), a Markdown cell, quotes the K = 35 accuracies.
	summary := cell(t, nb, "summary")
	for _, want := range []string{"小结", m[2], g[1], g[2]} {
		if !strings.Contains(summary.Source, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary.Source)
		}
	}
	if math.IsNaN(srn5) {
		t.Errorf("no SRN accuracy")
	}
}
