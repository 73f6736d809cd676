package notebooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	nbpkg "github.com/nndl-hw9/rnngo/pkg/nb"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["03-encoder-decoder"] = check03 }

var costLine = regexp.MustCompile(`(?m)^Epoch: (\d{4}) cost = (\d+\.\d{6})$`)

func check03(t *testing.T, nb *nbrun.Notebook) {
	// mathor's sizes, his padded words, and his training settings.
	data := cellText(t, nb, "data")
	for _, want := range []string{"n_step = 5，n_hidden = 128，词表（29 类）",
		`girl   → boy      编码器输入 "girl?E"   解码器输入 "Sboy??"   解码器目标 "boy??E"`,
		"enc_input_all (Float32)[6 6 29]  dec_input_all (Float32)[6 6 29]  dec_output_all (Int64)[6 6]",
		`太长的单词： 单词 "elephant" 有 8 个字符，超过 n_step=5`, `词表之外的字符： 单词 "Man" 的第 1 个字符 'M' 不在词表`} {
		if !strings.Contains(data, want) {
			t.Errorf("the data cell lacks %q:\n%s", want, data)
		}
	}
	training := cellText(t, nb, "training")
	if want := "训练：Adam(lr=0.001, eps=1e-8)，5000 个 epoch，每批 3 对（打乱顺序），随机种子 0\n"; !strings.Contains(training, want) {
		t.Errorf("the training cell lacks %q:\n%s", want, training)
	}
	lines := costLine.FindAllStringSubmatch(training, -1)
	if len(lines) != 10 {
		t.Errorf("training printed %d cost lines in mathor's format, want 10 (two per 1000 epochs):\n%s", len(lines), training)
	}
	for i, l := range lines {
		if want := []string{"1000", "2000", "3000", "4000", "5000"}[i/2]; l[1] != want {
			t.Errorf("cost line %d is for epoch %s, want %s", i, l[1], want)
		}
	}
	if !regexp.MustCompile(`训练用时 \d+\.\d\d 秒（10000 步`).MatchString(training) {
		t.Errorf("the training cell does not print its time:\n%s", training)
	}
	// The training curve, with PyTorch's own run beside it, in epochs.
	if curve := cellText(t, nb, "training-plot"); !strings.Contains(curve, `data-xlabel="轮次（epoch）"`) || !strings.Contains(curve, "PyTorch") {
		t.Errorf("the training curve should be drawn over epochs, with PyTorch's run:\n%.300s", curve)
	}
	// mathor's test words, translated with the original's decoding (teacher-forced padding).
	translations := cellText(t, nb, "translate")
	for _, want := range []string{"man -> women", "mans -> women", "king -> queen", "black -> white", "up -> down"} {
		if !strings.Contains(translations, want+"\n") {
			t.Errorf("translations lack %q:\n%s", want, translations)
		}
	}
	// Both decoders side by side on nine words; greedy's output is shown for every word.
	decoders := cellText(t, nb, "decoders")
	rows := htmlRows(decoders)
	if len(rows) != 10 || len(rows[0]) != 5 || !strings.Contains(rows[0][3], "贪心") {
		t.Fatalf("decoder table: %v", rows)
	}
	for _, r := range rows[1:] {
		if r[3] == "" || r[4] == "" {
			t.Errorf("decoder table row %v: no greedy output", r)
		}
	}
	m := regexp.MustCompile(`6 个训练词中 (\d) 个用两种解码都译对`).FindStringSubmatch(decoders)
	if m == nil {
		t.Fatalf("the decoders cell does not count the training words both decoders get right:\n%s", decoders)
	}
	bothRight := m[1]
	// The context vectors: a symmetric table of cosine similarities, 1.00 on the diagonal, and their size.
	contextVectors := cellText(t, nb, "context-vectors")
	cos := htmlRows(contextVectors)
	if len(cos) != 8 || len(cos[0]) != 8 {
		t.Fatalf("cosine table: %v", cos)
	}
	for i := 1; i < 8; i++ {
		if cos[i][i] != "1.00" || cos[i][0] != cos[0][i] {
			t.Errorf("cosine table row %d: %v (want 1.00 on the diagonal, the words as in the header)", i, cos[i])
		}
		for j := 1; j < 8; j++ {
			if cos[i][j] != cos[j][i] {
				t.Errorf("cosine table is not symmetric at %d,%d: %s, %s", i, j, cos[i][j], cos[j][i])
			}
		}
	}
	if !strings.Contains(contextVectors, "解码器关于一个词知道的全部：128 个数") {
		t.Errorf("the context-vectors cell does not print the vectors' size:\n%s", contextVectors)
	}
	weak := cellText(t, nb, "weaknesses") + cellText(t, nb, "weaknesses-batches")
	for _, want := range []string{"没有结束符 E", `太长的单词： 单词 "elephant" 有 8 个字符，超过 n_step=5`,
		"2 个 epoch 训练了 6 步，包括只有 1 对的最后一批", "目标字符中的填充：36 个中有 5 个"} {
		if !strings.Contains(weak, want) {
			t.Errorf("weaknesses cells lack %q:\n%s", want, weak)
		}
	}
	m = regexp.MustCompile(`未训练的模型：6 个训练词中 (\d) 个的填充解码不输出结束符 E`).FindStringSubmatch(weak)
	if m == nil {
		t.Fatalf("the weaknesses cell does not count the untrained model's missing end symbols:\n%s", weak)
	}
	noEnd := m[1]
	// What notebook 04 quotes, saved by the last cell: the same numbers the cells above show.
	checkMathorResults(t, rows[1:], cos, bothRight, noEnd)
	// The lesson is on the page: mathor's make_data, model, loop and translate, and the greedy decoder, are written in
	// cells tagged "export" (internal/notebook03 is generated from them).
	for _, def := range []string{"func makeData(", "type Seq2Seq struct", "func newSeq2Seq(", "func (m *Seq2Seq) forward(",
		"func mathorLoss(", "func trainSeq2Seq(", "func translate(", "func greedySteps(", "func greedy("} {
		found := false
		for _, c := range nb.Cells {
			found = found || c.Type == "code" && slices.Contains(c.Tags, "export") && strings.Contains(c.Source, def)
		}
		if !found {
			t.Errorf("no code cell tagged export defines %q", def)
		}
	}
	replay := cellText(t, nb, "replay")
	if names, ok := nbpkg.ComparisonVerdicts(replay); len(names) != 1 || !ok[0] {
		t.Errorf("replaying PyTorch's run does not match its losses:\n%s", replay)
	}
	if n := len(costLine.FindAllString(replay, -1)); n != 2 || !strings.Contains(replay, "man -> women\n") {
		t.Errorf("the replay should print in mathor's format (2 cost lines, then the translations):\n%s", replay)
	}
	// mathor's own code beside the replay, and the two curves overlaid.
	besideGo(t, nb, "mathor-beside-go")
	if plot := cellText(t, nb, "replay-plot"); !strings.Contains(plot, "PyTorch 1.13（记录的损失）</text>") {
		t.Errorf("the replay plot should draw PyTorch's recorded losses:\n%.300s", plot)
	}
}

// checkMathorResults checks the results file notebook 03 saves for notebook 04
// against the tables and counts the notebook shows: decoding (the decoder
// table's rows), cosine (the cosine table, header included).
func checkMathorResults(t *testing.T, decoding, cosine [][]string, bothRight, noEnd string) {
	t.Helper()
	data, err := os.ReadFile("data/03-mathor-results.json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Epochs   int `json:"epochs"`
		Decoding []struct {
			Word        string `json:"word"`
			PaddedSteps string `json:"padded_steps"`
			Padded      string `json:"padded"`
			GreedySteps string `json:"greedy_steps"`
			Greedy      string `json:"greedy"`
		} `json:"decoding"`
		CosineWords    []string    `json:"cosine_words"`
		Cosine         [][]float64 `json:"cosine"`
		ContextSize    int         `json:"context_size"`
		BothRight      int         `json:"both_right"`
		Pairs          int         `json:"pairs"`
		UntrainedNoEnd int         `json:"untrained_no_end"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("data/03-mathor-results.json: %v", err)
	}
	if r.Epochs != 5000 || r.ContextSize != 128 || r.Pairs != 6 || fmt.Sprint(r.BothRight) != bothRight || fmt.Sprint(r.UntrainedNoEnd) != noEnd {
		t.Errorf("results: epochs %d, context_size %d, pairs %d, both_right %d, untrained_no_end %d; the notebook shows "+
			"5000, 128, 6, %s, %s", r.Epochs, r.ContextSize, r.Pairs, r.BothRight, r.UntrainedNoEnd, bothRight, noEnd)
	}
	if len(r.Decoding) != len(decoding) {
		t.Fatalf("results: %d decoded words, the table shows %d", len(r.Decoding), len(decoding))
	}
	for i, d := range r.Decoding {
		if got := []string{d.Word, d.PaddedSteps, d.Padded, d.GreedySteps, d.Greedy}; !slices.Equal(got, decoding[i]) {
			t.Errorf("results: decoding %v, the table shows %v", got, decoding[i])
		}
	}
	if !slices.Equal(r.CosineWords, cosine[0][1:]) || len(r.Cosine) != len(r.CosineWords) {
		t.Fatalf("results: cosine words %v (%d rows), the table shows %v", r.CosineWords, len(r.Cosine), cosine[0][1:])
	}
	for i, row := range r.Cosine {
		for j, c := range row {
			if got := fmt.Sprintf("%.2f", c); got != cosine[i+1][j+1] || c != math.Round(c*100)/100 {
				t.Errorf("results: cosine %s–%s = %v, the table shows %s", r.CosineWords[i], r.CosineWords[j], c, cosine[i+1][j+1])
			}
		}
	}
}

// TestMathorRecordingIsReal reruns the first 1000 epochs of mathor's code
// where PyTorch is installed (about 10 s): notebook 03 shows its recording,
// without PyTorch, beside the Go. The training time is left out.
func TestMathorRecordingIsReal(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 epochs of PyTorch training")
	}
	rerunRecording(t, "mathor-seq2seq-1000-epochs.txt", regexp.MustCompile(`train seconds [0-9.]+`),
		"../tools/pytorch/mathor_seq2seq.py", "--epochs", "1000")
}
