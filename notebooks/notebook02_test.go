package notebooks

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["02-hello-ohlol"] = check02 }

var (
	line1 = regexp.MustCompile(`(?m)^Predicted string: ([ehlo]{5}), Epoch \[(\d+)/15\] loss=(\d+\.\d{4})$`)
	line2 = regexp.MustCompile(`(?m)^Predicted:  ([ehlo]{5}), Epoch \[(\d+)/15\] loss = (\d+\.\d{3})$`)
)

func check02(t *testing.T, nb *nbrun.Notebook) {
	// The lecture's three models and its two training loops are written in the notebook's cells tagged
	// "export" (internal/notebook02 is generated from them), not called from a package.
	for _, def := range []string{"type cellModel struct", "func (m *cellModel) forward(", "type rnnModel struct",
		"func (m *rnnModel) forward(", "type embModel struct", "func (m *embModel) forward(", "func train1(", "func trainWhole("} {
		found := false
		for _, c := range nb.Cells {
			found = found || c.Type == "code" && slices.Contains(c.Tags, "export") && strings.Contains(c.Source, def)
		}
		if !found {
			t.Errorf("no code cell tagged export defines %q", def)
		}
	}
	// Each variant prints the lecture's 15 lines, in the lecture's format.
	for i, v := range []struct {
		tag string
		re  *regexp.Regexp
	}{
		{"variant1", line1},
		{"variant2", line2},
		{"variant3", line2},
	} {
		text := cellText(t, nb, v.tag)
		lines := v.re.FindAllStringSubmatch(text, -1)
		if len(lines) != 15 {
			t.Errorf("%s: %d lines in the lecture's format, want 15:\n%s", v.tag, len(lines), text)
			continue
		}
		for j, l := range lines {
			if l[2] != strconv.Itoa(j+1) {
				t.Errorf("%s: line %d is epoch %s", v.tag, j+1, l[2])
			}
		}
		if i == 2 && lines[14][1] != "ohlol" {
			t.Errorf("variant 3 ends on %q at epoch 15, want ohlol", lines[14][1])
		}
	}
	// Variant 1's "ohool", explained where it appears: at step 3 'l' and 'o' are nearly tied.
	probs := htmlRows(cellText(t, nb, "ohool"))
	if len(probs) != 6 || probs[3][2] != "l" || probs[3][7] != "o" {
		t.Errorf("the ohool table should show step 3 (target l) predicted as o: %v", probs)
	} else if pl, po := atof(t, probs[3][5]), atof(t, probs[3][6]); !(po > pl && po-pl < 0.05) {
		t.Errorf("step 3: P(l) %v, P(o) %v: the prose says a near tie that o wins", pl, po)
	}
	if got := cellText(t, nb, "ohool"); !strings.Contains(got, "e/(e + 3/e) = 0.711") {
		t.Errorf("the ohool cell should print the bound on a probability that tanh logits give:\n%s", got)
	}
	// The three variants' losses in one figure, in epochs.
	three := cellText(t, nb, "three-variants")
	if !strings.Contains(three, `data-xlabel="轮次（epoch）"`) || strings.Count(three, "变体 ") < 3 {
		t.Errorf("the three variants should share one figure over epochs:\n%.300s", three)
	}
	if got := cellText(t, nb, "sum-vs-mean"); !strings.Contains(got, "两者之比：5.0000") {
		t.Errorf("the sum/mean cell does not show a ratio of 5:\n%s", got)
	}
	// From PyTorch's initial weights: the lecture's 45 lines, the lecture's own code beside them, and the
	// curves overlaid.
	fromTorch := cellText(t, nb, "pytorch-weights")
	if n, bad := verdicts(fromTorch); n != 3 || bad != 0 {
		t.Errorf("training from PyTorch's weights does not match PyTorch's losses within 1e-5:\n%s", fromTorch)
	}
	if n := len(line1.FindAllString(fromTorch, -1)) + len(line2.FindAllString(fromTorch, -1)); n != 45 {
		t.Errorf("training from PyTorch's weights printed %d lines in the lecture's format, want 45", n)
	}
	besideGo(t, nb, "lecture-beside-go")
	if plot := cellText(t, nb, "pytorch-plot"); strings.Count(plot, "PyTorch</text>") != 3 || strings.Count(plot, "Go</text>") != 3 {
		t.Errorf("the overlay should draw Go and PyTorch for each variant:\n%.300s", plot)
	}
	seeds := htmlRows(cellText(t, nb, "thirty-seeds"))
	want := [][]string{{"变体 1", "20/30"}, {"变体 2", "19/30"}, {"变体 3", "30/30"}}
	if len(seeds) != 4 {
		t.Fatalf("30-seed table has %d rows: %v", len(seeds), seeds)
	}
	for i, w := range want {
		row := seeds[i+1]
		if row[0] != w[0] || row[1] != w[1] || row[3] != w[1] {
			t.Errorf("30-seed table row %v: PyTorch and Go-from-PyTorch's-weights should both be %s", row, w[1])
		}
		if !regexp.MustCompile(`^\d+/30$`).MatchString(row[2]) {
			t.Errorf("30-seed table row %v: no count for GoMLX's own initialisation", row)
		}
	}
	used := cellText(t, nb, "checkpoint")
	if !regexp.MustCompile(`(?m)^hello  → [ehlo]{5}$`).MatchString(used) || !strings.Contains(used, "unknown character 'p'") {
		t.Errorf("the checkpoint cell should predict from the saved model and show the unknown-character error:\n%s", used)
	}
}

// atof parses a number a notebook printed, failing the test if it is not one.
func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// TestHelloRecordingIsReal reruns the lecture's code for torch.manual_seed(0)
// where PyTorch is installed: notebook 02 shows its recording, without
// PyTorch, beside the Go.
func TestHelloRecordingIsReal(t *testing.T) {
	rerunRecording(t, "hello-ohlol-seed0.txt", nil, "../tools/pytorch/hello_ohlol.py", "--seed", "0")
}
