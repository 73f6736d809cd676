package notebooks

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["04-written-answers"] = check04 }

// compareLine finds the nb.Compare line named name and returns whether it says approximate: true.
func compareLine(t *testing.T, text, name string) bool {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s*\| exact: (true|false)\s*\| approximate: (true|false)\s*\| maxdiff: `)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Errorf("no comparison line %q in:\n%s", name, text)
		return false
	}
	return m[2] == "true"
}

func check04(t *testing.T, nb *nbrun.Notebook) {
	// Section 4: an RNNCell looped by hand equals an RNN with the same weights (to 1e-6).
	loop := cellText(t, nb, "cell-vs-rnn")
	for _, name := range []string{"RNNCell loop vs RNN output", "last cell state vs RNN h_n"} {
		if !compareLine(t, loop, name) {
			t.Errorf("%s: not within 1e-6", name)
		}
	}
	names := htmlRows(loop)
	if len(names) != 5 || names[1][0] != "weight_ih" || names[1][2] != "weight_ih_l0" || names[4][2] != "bias_hh_l0" {
		t.Errorf("parameter name table: %v", names)
	}
	shapesTable := htmlRows(cellText(t, nb, "shapes"))
	want := [][]string{
		{"nn.RNN(3, 4)", "[5 2 3]", "[1 2 4]", "[5 2 4]", "[1 2 4]"},
		{"nn.RNN(3, 4, batch_first=True)", "[2 5 3]", "[1 2 4]", "[2 5 4]", "[1 2 4]"},
		{"nn.RNN(3, 4, num_layers=2, bidirectional=True)", "[5 2 3]", "[4 2 4]", "[5 2 8]", "[4 2 4]"},
	}
	if len(shapesTable) != 4 {
		t.Fatalf("shape table: %v", shapesTable)
	}
	for i, w := range want {
		if strings.Join(shapesTable[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("shape table row %d: %v, want %v", i, shapesTable[i+1], w)
		}
	}
	hn := cellText(t, nb, "output-vs-hn")
	for _, name := range []string{"1 layer: output[-1] vs h_n[-1]", "2 layers bidir: h_n[2] vs output[L-1,:,:H]", "2 layers bidir: h_n[3] vs output[0,:,H:]"} {
		if !compareLine(t, hn, name) {
			t.Errorf("%s: should be equal", name)
		}
	}
	if compareLine(t, hn, "2 layers bidir: h_n[3] vs output[L-1,:,H:]") {
		t.Errorf("the backward direction's final state should not be output[L-1]")
	}
	if !compareLine(t, cellText(t, nb, "two-biases"), "output, biases shifted vs not") {
		t.Errorf("shifting between the two biases changed the output")
	}
	// Section 5.
	order := cellText(t, nb, "order")
	if compareLine(t, order, "RNN final state: ab vs ba") || !compareLine(t, order, "bag of characters: ab vs ba") {
		t.Errorf("order cell: the RNN should tell ab from ba, the bag should not:\n%s", order)
	}
	lengths := cellText(t, nb, "weight-sharing")
	if strings.Count(lengths, "parameters 36") != 3 || !strings.Contains(lengths, "length 50: output [50 1 4]") {
		t.Errorf("weight sharing cell:\n%s", lengths)
	}
	if n := strings.Count(cellText(t, nb, "patterns"), "<svg"); n != 3 {
		t.Errorf("want three pattern diagrams, got %d", n)
	}
	decode := cellText(t, nb, "decoding")
	tables := strings.Split(decode, "</table>")
	if len(tables) < 3 {
		t.Fatalf("decoding cell should show two tables:\n%s", decode)
	}
	rows := htmlRows(tables[0])
	if len(rows) != 8 {
		t.Errorf("decoding table has %d rows: %v", len(rows), rows)
	}
	for _, r := range rows[1:] {
		if len(r) != 5 || r[3] == "" || r[4] == "" {
			t.Errorf("decoding row without greedy output: %v", r)
		}
	}
	// The claim in the prose: "mans" is most similar to "man".
	sims := htmlRows(tables[1])
	header := sims[0]
	for _, r := range sims[1:] {
		if r[0] != "mans" {
			continue
		}
		best, bestWord := -2.0, ""
		for j := 1; j < len(r); j++ {
			v, err := strconv.ParseFloat(r[j], 64)
			if err == nil && header[j] != "mans" && v > best {
				best, bestWord = v, header[j]
			}
		}
		if bestWord != "man" {
			t.Errorf("the context vector of mans is closest to %q (%.2f), the prose says man", bestWord, best)
		}
	}
	// Section 6: reflections in both languages, with computed numbers.
	refl := cellText(t, nb, "reflections")
	for _, want := range []string{"【中文】", "【English】", "PyTorch's 20, 19 and 30", "4.0, 12.0, 32.0", "PyTorch 为 20、19、30 次"} {
		if !strings.Contains(refl, want) {
			t.Errorf("reflections lack %q:\n%s", want, refl)
		}
	}
	if !regexp.MustCompile(`with GoMLX's initialisation, \d+, \d+ and 30 of\s+30 seeds succeed`).MatchString(refl) {
		t.Errorf("reflections do not report the 30-seed counts:\n%s", refl)
	}
}
