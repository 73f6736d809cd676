package notebooks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
	"github.com/nndl-hw9/rnngo/pkg/theory"
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
	// Section 4: nn.RNN's constructor arguments, read off real layers.
	args := htmlRows(cellText(t, nb, "rnn-args"))
	wantArgs := map[string][2]string{ // argument: how the parameters change, how many there are
		"input_size, hidden_size": {"相同 same", "36"},
		"num_layers":              {"+ weight_ih_l1 … bias_hh_l1 (4)", "76"},
		"nonlinearity":            {"相同 same", "36"},
		"bias":                    {"− bias_ih_l0 … bias_hh_l0 (2)", "28"},
		"batch_first":             {"相同 same", "36"},
		"dropout":                 {"相同 same", "36"},
		"bidirectional":           {"+ weight_ih_l0_reverse … bias_hh_l0_reverse (4)", "72"},
	}
	if len(args) != len(wantArgs)+1 {
		t.Errorf("constructor table has %d rows, want %d: %v", len(args), len(wantArgs)+1, args)
	}
	for _, row := range args[1:] {
		if w, ok := wantArgs[row[0]]; !ok || len(row) != 6 || row[4] != w[0] || row[5] != w[1] {
			t.Errorf("constructor table row %v, want %v", row, w)
		}
	}
	// An RNNCell looped by hand equals an RNN with the same weights (to 1e-6).
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
	patterns := cellText(t, nb, "patterns")
	if n := strings.Count(patterns, "<svg"); n != 4 {
		t.Errorf("want four pattern diagrams (N → 1, N → N, N → M, 1 → N), got %d", n)
	}
	for _, term := range []string{"序列到类别", "同步的序列到序列", "异步的序列到序列", "1 → N"} {
		if !strings.Contains(patterns, term) {
			t.Errorf("the pattern diagrams do not name %q", term)
		}
	}
	rows := htmlRows(cellText(t, nb, "decoding"))
	if len(rows) != 8 {
		t.Errorf("decoding table has %d rows: %v", len(rows), rows)
	}
	for _, r := range rows[1:] {
		if len(r) != 5 || r[3] == "" || r[4] == "" {
			t.Errorf("decoding row without greedy output: %v", r)
		}
	}
	// The claim in the prose: "mans" is most similar to "man".
	sims := htmlRows(cellText(t, nb, "context-vectors"))
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
	// Section 6: reflections in both languages, with computed numbers (Markdown displays).
	refl := cellText(t, nb, "reflection-1") + cellText(t, nb, "reflection-2") + cellText(t, nb, "reflection-3")
	for _, want := range []string{"PyTorch's 20, 19 and 30", "4.0, 12.0, 32.0", "PyTorch 为 20、19、30 次", "输出 4.0、12.0、32.0",
		"translates 6 of its 6 training words", "在 6 个训练词中有 6 个", "no end symbol E for 6 of 6 words", "128-number vector"} {
		if !strings.Contains(refl, want) {
			t.Errorf("reflections lack %q:\n%s", want, refl)
		}
	}
	if !regexp.MustCompile(`with GoMLX's initialisation, \d+, \d+ and 30 of 30 random seeds succeed`).MatchString(refl) {
		t.Errorf("reflections do not report the 30-seed counts:\n%s", refl)
	}
	for _, tag := range []string{"reflection-1", "reflection-2", "reflection-3"} {
		if !cell(t, nb, tag).Has("text/markdown") {
			t.Errorf("%s should display its text as Markdown", tag)
		}
	}
	// Section 6 quotes the theory notebook's saved results, in both languages,
	// with the numbers of data/05-theory-results.json (none typed).
	results, err := theory.LoadResults(theory.ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	cites := cellText(t, nb, "theory-citations")
	m := results.Memory
	last := m.Result.Ks[len(m.Result.Ks)-1]
	for _, kind := range []theory.Kind{theory.SRN, theory.LSTM, theory.GRU} {
		acc, ok := m.Result.At(kind, last)
		if !ok {
			t.Fatalf("no %v accuracy at K = %d in %s", kind, last, theory.ResultsFile)
		}
		if want := fmt.Sprintf("%.3f", acc); !strings.Contains(cites, want) {
			t.Errorf("the theory citations lack the %v accuracy at K = %d, %s:\n%s", kind, last, want, cites)
		}
	}
	for _, want := range []string{"【中文】", "【English】", "BPTT", fmt.Sprintf("%.3g", results.Clipping.PeakGradNorm)} {
		if !strings.Contains(cites, want) {
			t.Errorf("the theory citations lack %q:\n%s", want, cites)
		}
	}
}
