package notebooks

import (
	nbpkg "github.com/nndl-hw9/rnngo/pkg/nb"

	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() { checks["03-encoder-decoder"] = check03 }

var costLine = regexp.MustCompile(`(?m)^Epoch: (\d{4}) cost = (\d+\.\d{6})$`)

func check03(t *testing.T, nb *nbrun.Notebook) {
	// mathor's sizes, his padded words, and his training settings.
	data := cellText(t, nb, "data")
	for _, want := range []string{"n_step 5, n_hidden 128, vocabulary (29 classes)",
		`girl   → boy      encoder input "girl?E"   decoder input "Sboy??"   decoder target "boy??E"`,
		"enc_input_all (Float32)[6 6 29]  dec_input_all (Float32)[6 6 29]  dec_output_all (Int64)[6 6]"} {
		if !strings.Contains(data, want) {
			t.Errorf("the data cell lacks %q:\n%s", want, data)
		}
	}
	training := cellText(t, nb, "training")
	if want := "training: Adam(lr=0.001, eps=1e-8), 5000 epochs, batch 3 (shuffled), seed 0\n"; !strings.Contains(training, want) {
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
	if !regexp.MustCompile(`train seconds \d+\.\d\d \(10000 steps`).MatchString(training) {
		t.Errorf("the training cell does not print its time:\n%s", training)
	}
	// The training curve, with PyTorch's own run beside it, in epochs.
	if curve := cellText(t, nb, "training-plot"); !strings.Contains(curve, `data-xlabel="轮次 epoch"`) || !strings.Contains(curve, "PyTorch") {
		t.Errorf("the training curve should be drawn over epochs, with PyTorch's run:\n%.300s", curve)
	}
	// mathor's test words, translated with the original's decoding (teacher-forced padding).
	translations := cellText(t, nb, "translate")
	for _, want := range []string{"man -> women", "mans -> women", "king -> queen", "black -> white", "up -> down"} {
		if !strings.Contains(translations, want+"\n") {
			t.Errorf("translations lack %q:\n%s", want, translations)
		}
	}
	// Both decoders side by side; greedy's output is shown for every word.
	rows := htmlRows(cellText(t, nb, "decoders"))
	if len(rows) < 6 || len(rows[0]) != 5 || !strings.Contains(rows[0][3], "greedy") {
		t.Fatalf("decoder table: %v", rows)
	}
	for _, r := range rows[1:] {
		if r[3] == "" || r[4] == "" {
			t.Errorf("decoder table row %v: no greedy output", r)
		}
	}
	weak := cellText(t, nb, "weaknesses") + cellText(t, nb, "weaknesses-batches")
	for _, want := range []string{"ended with E: false", `word "elephant" has 8 characters, more than n_step=5`,
		"the last batch of 1 included", "padding among the target characters: 5 of 36"} {
		if !strings.Contains(weak, want) {
			t.Errorf("weaknesses cell lacks %q:\n%s", want, weak)
		}
	}
	// The lesson is on the page: mathor's make_data, model, loop and translate, and the greedy decoder, are written in
	// cells tagged "export" (internal/notebook03 is generated from them).
	for _, def := range []string{"func makeData(", "type Seq2Seq struct", "func newSeq2Seq(", "func (m *Seq2Seq) forward(",
		"func mathorLoss(", "func trainSeq2Seq(", "func translate(", "func greedy("} {
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
	if plot := cellText(t, nb, "replay-plot"); !strings.Contains(plot, "PyTorch 1.13 (data/mathor-init.npz)</text>") {
		t.Errorf("the replay plot should draw PyTorch's recorded losses:\n%.300s", plot)
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
