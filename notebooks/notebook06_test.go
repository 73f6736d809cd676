package notebooks

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["06-attention"] = check06 }

var (
	attLongestLine   = regexp.MustCompile(`最长的输入（(\d+)–(\d+) 个字符，(\d+) 个日期）：完全正确的比例 普通模型 (\d\.\d+)，注意力模型 (\d\.\d+)`)
	attAlignmentLine = regexp.MustCompile(`在 (\d+) 个测试译文上：字段内单调的比例 (\d\.\d+)，落在字段上的比例 (\d\.\d+)`)
	attBeamLine      = regexp.MustCompile(`(?m)^(普通模型|注意力模型)，测试集前 (\d+) 个日期：完全正确的比例 贪心解码 (\d\.\d+)，束搜索（k=3，α=0\.75）(\d\.\d+)；两者结果不同的有 (\d+) 个$`)
	attToyLine       = regexp.MustCompile(`(?m)^k = (\d)：(.+?) +P = (\d\.\d+)`)
	attTrainedLine   = regexp.MustCompile(`(?m)^(普通模型|注意力模型)：(\d+) 步，用时 (\d+\.\d) 秒，最后一个 epoch 的平均损失 (\d\.\d+)$`)
)

// attNumber parses a number the regexps of check06 matched.
func attNumber(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func check06(t *testing.T, nb *nbrun.Notebook) {
	// The lesson is on the page: the masks and the masked loss, additive attention, the encoder, both decoders and
	// the encoder–decoder are written in cells tagged "export" (internal/notebook06 is generated from them).
	var exported strings.Builder
	for _, c := range nb.Cells {
		if c.Type == "code" && slices.Contains(c.Tags, "export") {
			exported.WriteString(c.Source + "\n")
		}
	}
	for _, def := range []string{"func maskedSoftmax(", "func maskedLoss(", "type AdditiveAttention struct", "type Encoder struct",
		"type Decoder struct", "func (d *Decoder) step(", "func (d *Decoder) Forward(", "type EncoderDecoder struct"} {
		if !strings.Contains(exported.String(), def) {
			t.Errorf("no exported cell defines %q", def)
		}
	}
	// Every comparison with PyTorch agrees at 1e-5.
	for _, tag := range []string{"parity", "masks"} {
		text := cellText(t, nb, tag)
		if n, bad := verdicts(text); n < 4 || bad != 0 {
			t.Errorf("%s: the comparisons with PyTorch do not all agree:\n%s", tag, text)
		}
	}
	if text := cellText(t, nb, "parity"); !strings.Contains(text, "注意力模型：注意力权重") || !strings.Contains(text, "全部 15 个参数的梯度") {
		t.Errorf("parity: attention weights or the attention model's 15 gradients not compared:\n%s", text)
	}
	// The data: the split and the rejected inputs.
	data := cellText(t, nb, "data")
	for _, want := range []string{"都不在训练集中", "Wednesday, the 3rd of March, 2021", `拒绝：source: seq2seq: character 'z'`,
		"more than the 38 the model takes"} {
		if !strings.Contains(data, want) {
			t.Errorf("the data cell lacks %q:\n%s", want, data)
		}
	}
	// Both models trained, each once, with a loss plot.
	training := cellText(t, nb, "training")
	if got := attTrainedLine.FindAllStringSubmatch(training, -1); len(got) != 2 {
		t.Errorf("training: want one line per model, got %d:\n%s", len(got), training)
	}
	if !cell(t, nb, "training").Has("text/html") || !strings.Contains(training, "<svg") {
		t.Errorf("training: no loss plot")
	}
	// The claim: attention is well above the plain model on the longest inputs.
	lengths := cellText(t, nb, "lengths")
	m := attLongestLine.FindStringSubmatch(lengths)
	if m == nil {
		t.Fatalf("lengths: no line for the longest inputs:\n%s", lengths)
	}
	plain, attention, n := attNumber(t, m[4]), attNumber(t, m[5]), attNumber(t, m[3])
	if n < 20 || attention < 0.8 || attention-plain < 0.4 {
		t.Errorf("longest inputs (%s dates): attention %.3f, plain %.3f; want attention ≥ 0.8 and at least 0.4 above plain", m[3], attention, plain)
	}
	if !strings.Contains(lengths, "<svg") || !strings.Contains(lengths, "BLEU（注意力）") {
		t.Errorf("lengths: no table or plot of exact match and BLEU by length")
	}
	// The heatmaps: three of them, and attention reads the fields mostly left to right.
	heat := cell(t, nb, "heatmaps")
	if got := strings.Count(heat.Text(), "<svg"); got != 3 {
		t.Errorf("heatmaps: %d heatmaps, want 3", got)
	}
	a := attAlignmentLine.FindStringSubmatch(heat.Text())
	if a == nil {
		t.Fatalf("heatmaps: no alignment line:\n%s", heat.Text())
	}
	if mono, on := attNumber(t, a[2]), attNumber(t, a[3]); mono < 0.8 || on < 0.6 {
		t.Errorf("attention over the fields: monotone %.3f, on the field %.3f; want ≥ 0.8 and ≥ 0.6", mono, on)
	}
	// Greedy vs beam search: d2l's toy example, then both models on the dates.
	toy := attToyLine.FindAllStringSubmatch(cellText(t, nb, "beam-toy"), -1)
	if len(toy) != 3 || toy[0][2] != "A B C <eos>" || toy[0][3] != "0.048" || toy[1][2] != "A C B <eos>" || toy[1][3] != "0.054" {
		t.Errorf("d2l's beam-search example: %v", toy)
	}
	beam := attBeamLine.FindAllStringSubmatch(cellText(t, nb, "beam"), -1)
	if len(beam) != 2 {
		t.Errorf("beam: want a greedy-vs-beam line per model, got %v", beam)
	}
	// Masked vs unmasked: both learn mathor's pairs.
	masking := cellText(t, nb, "masking")
	for _, want := range []string{"man -&gt; women", "black -&gt; white", "up -&gt; down", "掩码训练", "不掩码训练"} {
		if strings.Count(masking, want) < 1 {
			t.Errorf("masking: output lacks %q:\n%s", want, masking)
		}
	}
}
