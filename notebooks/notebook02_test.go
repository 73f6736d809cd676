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
		if !strings.Contains(text, "<svg") {
			t.Errorf("%s: no loss curve (SVG)", v.tag)
		}
		if i == 2 && lines[14][1] != "ohlol" {
			t.Errorf("variant 3 ends on %q at epoch 15, want ohlol", lines[14][1])
		}
	}
	if got := cellText(t, nb, "sum-vs-mean"); !strings.Contains(got, "ratio sum / mean: 5.0000") {
		t.Errorf("the sum/mean cell does not show a ratio of 5:\n%s", got)
	}
	if got := cellText(t, nb, "pytorch-weights"); strings.Count(got, "approximate: true") != 3 {
		t.Errorf("training from PyTorch's weights does not match PyTorch's losses within 1e-5:\n%s", got)
	}
	seeds := htmlRows(cellText(t, nb, "thirty-seeds"))
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
	used := cellText(t, nb, "checkpoint")
	if !regexp.MustCompile(`(?m)^hello  → [ehlo]{5}$`).MatchString(used) || !strings.Contains(used, "unknown character 'p'") {
		t.Errorf("the checkpoint cell should predict from the saved model and show the unknown-character error:\n%s", used)
	}
}
