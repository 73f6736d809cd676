package notebooks

import (
	"regexp"
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
	// Each variant prints the lecture's 15 lines, in the lecture's format, and draws its loss curve.
	for _, v := range []struct {
		source string
		re     *regexp.Regexp
	}{
		{"seq2seq.Train(variant1.Model, vocab, input, target, variant1.Config", line1},
		{"seq2seq.Train(variant2.Model, vocab, input, target, variant2.Config", line2},
		{"seq2seq.Train(variant3.Model, vocab, input, target, variant3.Config", line2},
	} {
		c, ok := nb.CellWith(v.source)
		if !ok {
			t.Fatalf("no cell with %q", v.source)
		}
		lines := v.re.FindAllStringSubmatch(c.Text(), -1)
		if len(lines) != 15 {
			t.Errorf("%s: %d lines in the lecture's format, want 15:\n%s", v.source, len(lines), c.Text())
			continue
		}
		for i, l := range lines {
			if l[2] != strconv.Itoa(i+1) {
				t.Errorf("%s: line %d is epoch %s", v.source, i+1, l[2])
			}
		}
		if !strings.Contains(c.Text(), "<svg") {
			t.Errorf("%s: no loss curve (SVG)", v.source)
		}
		if v.source[len("seq2seq.Train(variant")] == '3' && lines[14][1] != "ohlol" {
			t.Errorf("variant 3 ends on %q at epoch 15, want ohlol", lines[14][1])
		}
	}
	if got := cellText(t, nb, "ratio sum / mean"); !strings.Contains(got, "ratio sum / mean: 5.0000") {
		t.Errorf("the sum/mean cell does not show a ratio of 5:\n%s", got)
	}
	if got := cellText(t, nb, "pytorchStart(npz, 0, v+1)"); strings.Count(got, "approximate: true") != 3 {
		t.Errorf("training from PyTorch's weights does not match PyTorch's losses within 1e-5:\n%s", got)
	}
	seeds := htmlRows(cellText(t, nb, "fromTorch := nb.Must1(seq2seq.Reached(lecture"))
	want := [][]string{{"variant 1", "20/30"}, {"variant 2", "19/30"}, {"variant 3", "30/30"}}
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
	used := cellText(t, nb, "seq2seq.LoadCheckpoint(variant3Checkpoint)")
	if !regexp.MustCompile(`(?m)^hello  → [ehlo]{5}$`).MatchString(used) || !strings.Contains(used, "unknown character 'p'") {
		t.Errorf("the checkpoint cell should predict from the saved model and show the unknown-character error:\n%s", used)
	}
}
