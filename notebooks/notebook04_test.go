package notebooks

import (
	nbpkg "github.com/nndl-hw9/rnngo/pkg/nb"

	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
	"github.com/nndl-hw9/rnngo/pkg/theory"
)

func init() { checks["04-written-answers"] = check04 }

// compareLine finds the nb.Compare line named name and returns whether it agrees (逐位相同 or 一致).
func compareLine(t *testing.T, text, name string) bool {
	t.Helper()
	names, agree := nbpkg.ComparisonVerdicts(text)
	for i, n := range names {
		if n == name {
			return agree[i]
		}
	}
	t.Errorf("no comparison line %q in:\n%s", name, text)
	return false
}

func check04(t *testing.T, nb *nbrun.Notebook) {
	// Section 4: nn.RNN's constructor arguments, read off real layers.
	args := htmlRows(cellText(t, nb, "rnn-args"))
	wantArgs := map[string][2]string{ // argument: how the parameters change, how many there are
		"input_size, hidden_size": {"不变", "36"},
		"num_layers":              {"+ weight_ih_l1 … bias_hh_l1 (4)", "76"},
		"nonlinearity":            {"不变", "36"},
		"bias":                    {"− bias_ih_l0 … bias_hh_l0 (2)", "28"},
		"batch_first":             {"不变", "36"},
		"dropout":                 {"不变", "36"},
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
	for _, name := range []string{"逐步循环 RNNCell vs RNN 的 output", "最后一步 h vs RNN 的 h_n"} {
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
	for _, name := range []string{"单层单向：output[-1] vs h_n[-1]", "两层双向：h_n[2] vs output[L-1,:,:H]", "两层双向：h_n[3] vs output[0,:,H:]"} {
		if !compareLine(t, hn, name) {
			t.Errorf("%s: should be equal", name)
		}
	}
	if compareLine(t, hn, "两层双向：h_n[3] vs output[L-1,:,H:]") {
		t.Errorf("the backward direction's final state should not be output[L-1]")
	}
	if !compareLine(t, cellText(t, nb, "two-biases"), "挪动偏置前后的 output") {
		t.Errorf("shifting between the two biases changed the output")
	}
	// Section 5.
	order := cellText(t, nb, "order")
	if compareLine(t, order, "RNN 末状态：ab vs ba") || !compareLine(t, order, "字符袋：ab vs ba") {
		t.Errorf("order cell: the RNN should tell ab from ba, the bag should not:\n%s", order)
	}
	lengths := cellText(t, nb, "weight-sharing")
	if strings.Count(lengths, "参数个数 36") != 3 || !strings.Contains(lengths, "长度 50：output [50 1 4]") {
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
	// The decoding table: the six training words and three others, both
	// decoders; the prose says they agree at every step and translate every
	// training word.
	rows := htmlRows(cellText(t, nb, "decoding"))
	if len(rows) != 10 {
		t.Errorf("decoding table has %d rows: %v", len(rows), rows)
	}
	targets := map[string]string{}
	for _, p := range seq2seq.MathorPairs {
		targets[p.Source] = p.Target
	}
	for _, r := range rows[1:] {
		if len(r) != 5 || r[3] == "" || r[4] == "" {
			t.Errorf("decoding row without greedy output: %v", r)
			continue
		}
		if r[1] != r[3] {
			t.Errorf("%s: padded %q, greedy %q; the prose says both decoders agree at every step", r[0], r[1], r[3])
		}
		if r[0] == "mans" && r[2] != "women" {
			t.Errorf("mans is translated %q; the prose says women", r[2])
		}
		if want, ok := targets[r[0]]; ok && (r[2] != want || r[4] != want) {
			t.Errorf("training word %s: padded %q, greedy %q, want %q", r[0], r[2], r[4], want)
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
	if !strings.Contains(cellText(t, nb, "context-vectors"), "128 个数") {
		t.Errorf("the context-vector cell does not print the size of h_n")
	}
	// Section 6: the numbers the reflection quotes, computed here…
	refl := cellText(t, nb, "reflection-1") + cellText(t, nb, "reflection-2") + cellText(t, nb, "reflection-3")
	for _, want := range []string{"不加激活，三步的输出：4.0、12.0、32.0", "1 − h = 1.2e-05", "1 − h² = 2.5e-05", "PyTorch 20、19、30",
		"6 个训练词中 6 个用两种解码都译对", "6 个训练词中 6 个不输出结束符 E"} {
		if !strings.Contains(refl, want) {
			t.Errorf("the reflection's numbers lack %q:\n%s", want, refl)
		}
	}
	if !regexp.MustCompile(`GoMLX 初始化 \d+、\d+、30；`).MatchString(refl) {
		t.Errorf("the reflection's numbers do not report the 30-seed counts:\n%s", refl)
	}
	if m := regexp.MustCompile(`损失与 PyTorch 的最大差：(\S+)`).FindStringSubmatch(refl); m == nil {
		t.Errorf("no loss difference from PyTorch:\n%s", refl)
	} else if d, err := strconv.ParseFloat(m[1], 64); err != nil || d > 1e-5 {
		t.Errorf("losses from PyTorch's initial weights differ by %s, want at most 1e-5", m[1])
	}
	// …and read from the theory notebook's saved results (none typed).
	results, err := theory.LoadResults(theory.ResultsFile)
	if err != nil {
		t.Fatal(err)
	}
	cites := cellText(t, nb, "theory-citations")
	m := results.Memory
	for _, kind := range []theory.Kind{theory.SRN, theory.LSTM, theory.GRU} {
		for _, k := range m.Result.Ks {
			acc, ok := m.Result.At(kind, k)
			if !ok {
				t.Fatalf("no %v accuracy at K = %d in %s", kind, k, theory.ResultsFile)
			}
			if want := fmt.Sprintf("%.3f", acc); !strings.Contains(cites, want) {
				t.Errorf("the theory citations lack the %v accuracy at K = %d, %s:\n%s", kind, k, want, cites)
			}
		}
	}
	c := results.Clipping
	for _, want := range []string{fmt.Sprintf("最大差 %.2g", results.BPTT.MaxDiffPyTorch), fmt.Sprintf("随机猜测 %.3f", m.Chance),
		fmt.Sprintf("梯度范数最大 %.3g", c.PeakGradNorm), fmt.Sprintf("第 %d 步损失变成 NaN", c.DivergedAt),
		fmt.Sprintf("谱半径 %g，", c.Config.Radius), fmt.Sprintf("截断到 %g 后", c.Config.MaxNorm), fmt.Sprintf("%d 步中 %d 步被截断", c.Config.Steps, c.ClippedSteps), fmt.Sprintf("前 20 步的 %.2f", c.FirstLoss), fmt.Sprintf("最后 20 步的 %.2f", c.LastLoss)} {
		if !strings.Contains(cites, want) {
			t.Errorf("the theory citations lack %q:\n%s", want, cites)
		}
	}
	// The reflection itself is prose written for the homework, in the first
	// person, once: a Markdown cell, not a template filled from numbers.
	reflection := cell(t, nb, "reflection")
	if reflection.Type != "markdown" {
		t.Errorf("the reflection should be a Markdown cell, is %s", reflection.Type)
	}
	for _, want := range []string{"我", "心得"} {
		if !strings.Contains(reflection.Source, want) {
			t.Errorf("the reflection does not say %q", want)
		}
	}
	for _, tag := range []string{"summary", "appendix"} {
		if c := cell(t, nb, tag); c.Type != "markdown" {
			t.Errorf("%s should be a Markdown cell", tag)
		}
	}
	if last := nb.Cells[len(nb.Cells)-1]; !slices.Contains(last.Tags, "appendix") {
		t.Errorf("the notebook should end with its appendix")
	}
}
