package notebooks

import (
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
	"github.com/nndl-hw9/rnngo/internal/pyref"
)

func init() { checks["01-srn"] = check01 }

// seedOutputs returns the sections (s1…s4) of what the homework's own code
// prints, testdata/seed-part1-4-outputs.txt (written by
// tools/pytorch/seed_section1.py with NumPy 1.24.2 and PyTorch 1.13.1).
func seedOutputs(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("testdata/seed-part1-4-outputs.txt")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	var name string
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(line, "##### ") {
			name = strings.TrimSpace(strings.TrimPrefix(line, "##### "))
			continue
		}
		if name != "" {
			sections[name] += line
		}
	}
	return sections
}

var gradFn = regexp.MustCompile(`, grad_fn=<\w+>`)

func check01(t *testing.T, nb *nbrun.Notebook) {
	seed := seedOutputs(t)
	// The network diagram names every weight of the homework's code.
	diagram := cellText(t, nb, "srn-diagram")
	for _, w := range []string{"w1", "w4", "w8", "U1", "U4", "in_h2 = w2·x1 + w4·x2 + U1·s1 + U3·s2"} {
		if !strings.Contains(diagram, ">"+w) {
			t.Errorf("the SRN diagram lacks %q", w)
		}
	}
	// Parts (1) and (2): exactly the homework's printed lines.
	if got := cellText(t, nb, "part1"); got != seed["s1"] {
		t.Errorf("part (1) output differs from the seed's:\n--- got\n%s--- seed\n%s", got, seed["s1"])
	}
	if got := cellText(t, nb, "part2"); got != seed["s2"] {
		t.Errorf("part (2) output differs from the seed's:\n--- got\n%s--- seed\n%s", got, seed["s2"])
	}
	// Parts (3) and (4): the seed's lines without PyTorch's grad_fn suffixes, after the parameter listing.
	got3 := cellText(t, nb, "part3")
	if want := gradFn.ReplaceAllString(seed["s3"], ""); !strings.HasSuffix(got3, want) {
		t.Errorf("part (3) output does not end with the seed's lines:\n--- got\n%s--- seed (grad_fn removed)\n%s", got3, want)
	}
	got4 := cellText(t, nb, "part4")
	if want := gradFn.ReplaceAllString(seed["s4"], ""); !strings.Contains(got4, want) {
		t.Errorf("part (4) output does not contain the seed's lines:\n--- got\n%s--- seed (grad_fn removed)\n%s", got4, want)
	}
	for _, want := range []string{"weight_ih (Float32)[2 2]", "weight_ih_l0 (Float32)[2 2]", "h_n [1 1 2] = tensor([[[1.0000, 1.0000]]])"} {
		if !strings.Contains(nb.Text(), want) {
			t.Errorf("notebook output lacks %q", want)
		}
	}
	if got := cellText(t, nb, "bias-shape-error"); !strings.Contains(got, "shape mismatch: expected [2], got [1]") {
		t.Errorf("the shape-(1,) bias cell should show the shape error, got %q", got)
	}

	// The side-by-side table: (2), (3), (4) within 1e-6 of the seed's printed tanh outputs, at full precision.
	table := cellText(t, nb, "side-by-side")
	seedTanh := []float64{1.9280551601516338, 1.9984510891336251, 1.9999753470497836}
	for i, row := range htmlRows(table)[1:] {
		if len(row) != 9 {
			t.Fatalf("table row %d has %d cells: %v", i, len(row), row)
		}
		for col := 5; col <= 7; col++ {
			v, err := strconv.ParseFloat(row[col], 64)
			if err != nil || math.Abs(v-seedTanh[i]) > 1e-6 {
				t.Errorf("table row %d column %d: %q, want %v within 1e-6", i, col, row[col], seedTanh[i])
			}
		}
		if row[3] != []string{"4.0", "12.0", "32.0"}[i] || row[5] != strconv.FormatFloat(seedTanh[i], 'g', -1, 64) {
			t.Errorf("table row %d: parts (1)/(2) %q/%q are not the seed's exact values", i, row[3], row[5])
		}
	}
	checkCell := cellText(t, nb, "four-ways-check")
	if !strings.Contains(checkCell, "且 (1)(2) 与原代码打印的完全相同：true") {
		t.Errorf("the check cell does not conclude true:\n%s", checkCell)
	}
	// The homework's code run beside the Go, every line the same; the values
	// the table compares with are read from that run.
	besideGo(t, nb, "homework-beside-go")
	printed := cellText(t, nb, "homework-printed")
	for _, want := range []string{"(1)：[4 12 32]", "(2)：[1.9280551601516338 1.9984510891336251 1.9999753470497836]"} {
		if !strings.Contains(printed, want) {
			t.Errorf("the homework's printed values, read back, lack %q:\n%s", want, printed)
		}
	}
	// tanh's visual: a table, then the plot.
	tanh := cell(t, nb, "tanh-plot")
	if len(tanh.Outputs) != 2 || !strings.Contains(tanh.Outputs[0].Data["text/html"], "<table") ||
		!strings.Contains(tanh.Outputs[1].Data["text/html"], `class="nb-figure"`) {
		t.Errorf("the tanh cell should show a table, then a plot")
	}
	// Random weights: every comparison with PyTorch within 1e-6.
	random := cellText(t, nb, "random-weights")
	if n, bad := verdicts(random); n != 7 || bad != 0 {
		t.Errorf("random-weights cell: %d of 7 comparisons within tolerance:\n%s", n, random)
	}
}

var (
	htmlRow  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	htmlCell = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// htmlRows extracts the cells of an HTML table, row by row.
func htmlRows(html string) [][]string {
	var rows [][]string
	for _, r := range htmlRow.FindAllStringSubmatch(html, -1) {
		var cells []string
		for _, c := range htmlCell.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, c[1])
		}
		rows = append(rows, cells)
	}
	return rows
}

// TestSeedOutputsAreReal reruns the seed's section 1 code with NumPy and
// PyTorch, where installed, and checks it prints the committed reference.
func TestSeedOutputsAreReal(t *testing.T) {
	py := pyref.Require(t, "the seed's outputs")
	out, err := exec.Command(py, "../tools/pytorch/seed_section1.py").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, name := range []string{"s1", "s2", "s3", "s4"} {
		want.WriteString("##### " + name + "\n" + seedOutputs(t)[name])
	}
	// NumPy 2 prints a tuple of scalars as (np.float64(2.0), …) where NumPy
	// 1.24 printed (2.0, …): the repr is normalised, the numbers must match.
	if got := pyref.NormalizeNumPy(string(out)); got != want.String() {
		t.Errorf("the seed's code now prints (NumPy 2 scalar reprs normalised):\n%s\nthe committed reference has:\n%s", got, want.String())
	}
}
