package seq2seq

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

func dateModel(t testing.TB, attention bool) *GRUModel {
	t.Helper()
	m, err := NewDateModel(attention, 8, 16)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGRUModelExamples: d2l's layout — source, end, padding; the decoder
// reads start + the target (bos + Y[:-1]); the labels are the target, end,
// padding.
func TestGRUModelExamples(t *testing.T) {
	m, err := NewWordModel(4, 8, false)
	if err != nil {
		t.Fatal(err)
	}
	in, labels, err := m.Examples([]Pair{{"girl", "boy"}, {"black", "white"}})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(v *Vocab, t *tensors.Tensor, row, n int) string {
		flat := tensors.MustCopyFlatData[int32](t)
		var idx []int
		for _, x := range flat[row*n : (row+1)*n] {
			idx = append(idx, int(x))
		}
		s, _ := v.Decode(idx)
		return s
	}
	for _, tc := range []struct {
		got, want string
	}{
		{decode(m.Src, in[0], 0, 6), "girlE?"}, {decode(m.Src, in[0], 1, 6), "blackE"},
		{decode(m.Tgt, in[2], 0, 6), "SboyE?"}, {decode(m.Tgt, in[2], 1, 6), "Swhite"},
		{decode(m.Tgt, labels, 0, 6), "boyE??"}, {decode(m.Tgt, labels, 1, 6), "whiteE"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if lens := tensors.MustCopyFlatData[int32](in[1]); !slices.Equal(lens, []int32{5, 6}) {
		t.Errorf("valid lengths %v, want [5 6] (characters + end)", lens)
	}
	d := dateModel(t, true)
	in, labels, err = d.Examples([]Pair{{"Wednesday, the 30th of September, 2021", "2021-09-30"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in[0].Shape().Dimensions, []int{1, 39}) || !slices.Equal(labels.Shape().Dimensions, []int{1, 11}) {
		t.Errorf("date shapes %v, %v; want [1 39], [1 11]", in[0].Shape(), labels.Shape())
	}
}

func TestGRUModelErrors(t *testing.T) {
	m := dateModel(t, true)
	for _, tc := range []struct {
		pair Pair
		want string
	}{
		{Pair{"", "2021-03-03"}, "source: seq2seq: empty string"},
		{Pair{"Wednesday, the 30th of September, 2021!", "2021-09-30"}, "has 39 characters, more than the 38 the model takes"},
		{Pair{"3 March 2021 (Wed)", "2021-03-03"}, "character '(' at position 13"},
		{Pair{"3 Mar$h 2021", "2021-03-03"}, "character '$' at position 5"},
		{Pair{"3 March 2021", "2021-3-3x"}, "target: seq2seq: character 'x' at position 8"},
		{Pair{"3 March 2021", "2021-03-033"}, "target: seq2seq: \"2021-03-033\" has 11 characters, more than the 10"},
	} {
		if _, _, err := m.Examples([]Pair{tc.pair}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Examples(%v): error %v, want one containing %q", tc.pair, err, tc.want)
		}
	}
	if _, _, err := m.Examples(nil); err == nil || !strings.Contains(err.Error(), "no pairs") {
		t.Errorf("no pairs: %v", err)
	}
	if _, err := Train(m, []Pair{{"3 March 2021", "2021-03-03"}, {"3 Marzo 2021", "2021-03-03"}}, Config{Epochs: 1, LearningRate: 0.01}); err == nil ||
		!strings.Contains(err.Error(), "seq2seq: pair 1: source: character 'z' at position 5") {
		t.Errorf("Train with a bad pair: %v", err)
	}
	bad := *m
	bad.Specials = Specials{Start: '^', End: '^', Pad: '_'}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), "must differ") {
		t.Errorf("equal symbols: %v", err)
	}
	v, _ := NewVocab("abc")
	bad = GRUModel{Src: v, Tgt: v, Specials: DateSpecials, MaxSource: 3, MaxTarget: 3, Embed: 2, Hidden: 2}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), `lacks the symbol '^'`) {
		t.Errorf("vocabulary without symbols: %v", err)
	}
	if _, err := NewDateModel(true, 0, 8); err == nil || !strings.Contains(err.Error(), "must be positive, got 0 and 8") {
		t.Errorf("embedding 0: %v", err)
	}
	dec := m.Decoder(context.New())
	if _, err := dec.Greedy(nil, 0); err == nil || !strings.Contains(err.Error(), "no sources") {
		t.Errorf("Greedy of nothing: %v", err)
	}
	if _, err := dec.Greedy([]string{"3 March 2021", "3 März 2021"}, 0); err == nil || !strings.Contains(err.Error(), "source 1: seq2seq: character 'ä'") {
		t.Errorf("Greedy of a bad source: %v", err)
	}
	if _, err := dec.Beam("", BeamConfig{Beam: 3}); err == nil || !strings.Contains(err.Error(), "empty string") {
		t.Errorf("Beam of an empty source: %v", err)
	}
	if _, err := dec.Beam("3 March 2021", BeamConfig{Beam: 0}); err == nil || !strings.Contains(err.Error(), "beam size must be at least 1") {
		t.Errorf("Beam of size 0: %v", err)
	}
}

func TestSequenceMask(t *testing.T) {
	exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, lens *graph.Node) *graph.Node {
		return SequenceMask(lens, 4)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Exec(tensors.FromValue([]int32{1, 3, 0, 4}))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false, false, true, true, true, false, false, false, false, false, true, true, true, true}
	if got := tensors.MustCopyFlatData[bool](res[0]); !slices.Equal(got, want) {
		t.Errorf("SequenceMask([1 3 0 4], 4) = %v, want %v", got, want)
	}
}

// TestMaskedLossIgnoresPadding: the masked loss does not change when the
// logits of the padding steps change; the unmasked one does, and counts all
// B·T steps.
func TestMaskedLossIgnoresPadding(t *testing.T) {
	masked, _ := NewWordModel(4, 8, false)
	unmasked, _ := NewWordModel(4, 8, true)
	_, labels, err := masked.Examples([]Pair{{"girl", "boy"}, {"up", "down"}}) // boyE??, downE?
	if err != nil {
		t.Fatal(err)
	}
	v := masked.Tgt.Size()
	logits := make([]float32, 2*6*v)
	for i := range logits {
		logits[i] = float32(math.Sin(float64(i)))
	}
	padded := slices.Clone(logits)
	for _, pos := range []int{4, 5, 11} { // the '?' steps
		for c := range v {
			padded[pos*v+c] = 10 * float32(c%3)
		}
	}
	loss := func(m *GRUModel, logits []float32) float64 {
		exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, lg, lb *graph.Node) *graph.Node {
			return m.Loss(lg, lb, ReduceMean)
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := exec.Exec(tensors.FromFlatDataAndDimensions(logits, 2, 6, v), labels)
		if err != nil {
			t.Fatal(err)
		}
		return rnn.Float64s(res[0])[0]
	}
	if a, b := loss(masked, logits), loss(masked, padded); a != b {
		t.Errorf("masked loss changed with the padding's logits: %g → %g", a, b)
	}
	if a, b := loss(unmasked, logits), loss(unmasked, padded); a == b {
		t.Errorf("unmasked loss did not change with the padding's logits: %g", a)
	}
}

// TestDecoderAgreesWithTeacherForcing: an untrained attention model decodes
// without error; its greedy attention rows equal the teacher-forced
// model's weights on the symbols it produced, and their log-probabilities
// sum to the translation's; beam search of width 1 is greedy decoding, and
// a beam wider than the vocabulary works.
func TestDecoderAgreesWithTeacherForcing(t *testing.T) {
	m := dateModel(t, true)
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	if err := m.Build(ctx); err != nil {
		t.Fatal(err)
	}
	sources := []string{"3 march 2021", "Wednesday, the 30th of September, 2021", "08/27/94"}
	dec := m.Decoder(ctx)
	ts, err := dec.Greedy(sources, 0)
	if err != nil {
		t.Fatal(err)
	}
	start, _ := m.Tgt.Index(m.Start)
	end, _ := m.Tgt.Index(m.End)
	steps := m.TargetSteps()
	var src, lens, decIn []int32
	for _, tr := range ts {
		idx, n, _ := m.SourceIndices(tr.Source)
		src, lens = append(src, idx...), append(lens, int32(n))
		row := []int32{int32(start)}
		for _, r := range tr.Text {
			i, _ := m.Tgt.Index(r)
			row = append(row, int32(i))
		}
		for len(row) < steps {
			row = append(row, int32(end))
		}
		decIn = append(decIn, row[:steps]...)
		if len(tr.Attention) == 0 || len(tr.Attention) > steps {
			t.Fatalf("%q: %d attention rows", tr.Source, len(tr.Attention))
		}
	}
	exec, err := context.NewExec(backend.MustGet(), ctx.Reuse(), func(ctx *context.Context, s, l, d *graph.Node) (*graph.Node, *graph.Node) {
		logits, w := m.Logits(ctx, s, l, d)
		return graph.LogSoftmax(logits, -1), w
	})
	if err != nil {
		t.Fatal(err)
	}
	n := len(sources)
	res, err := exec.Exec(tensors.FromFlatDataAndDimensions(src, n, m.SourceSteps()), tensors.FromFlatDataAndDimensions(lens, n),
		tensors.FromFlatDataAndDimensions(decIn, n, steps))
	if err != nil {
		t.Fatal(err)
	}
	logp, weights := rnn.Float64s(res[0]), rnn.Float64s(res[1])
	for _, tr := range ts {
		t.Logf("%q → %q (ended %v, %d attention rows, log P %.3f)", tr.Source, tr.Text, tr.Ended, len(tr.Attention), tr.LogProb)
	}
	v, ts1 := m.Tgt.Size(), m.SourceSteps()
	for b, tr := range ts {
		sum := 0.0
		for step, row := range tr.Attention {
			if len(row) != int(lens[b]) {
				t.Fatalf("%q: attention row of %d weights, want %d", tr.Source, len(row), lens[b])
			}
			total := 0.0
			for k, w := range row {
				total += w
				if d := math.Abs(w - weights[(b*steps+step)*ts1+k]); d > 1e-5 {
					t.Fatalf("%q step %d key %d: greedy weight %g, teacher-forced %g", tr.Source, step, k, w, weights[(b*steps+step)*ts1+k])
				}
			}
			if math.Abs(total-1) > 1e-5 {
				t.Errorf("%q step %d: weights sum to %g", tr.Source, step, total)
			}
			next := end // the symbol greedy produced at this step
			if step < len([]rune(tr.Text)) {
				next, _ = m.Tgt.Index([]rune(tr.Text)[step])
			}
			sum += logp[(b*steps+step)*v+next]
		}
		if math.Abs(sum-tr.LogProb) > 1e-4 {
			t.Errorf("%q: greedy log-probability %g, teacher-forced %g", tr.Source, tr.LogProb, sum)
		}
		beam, err := dec.Beam(tr.Source, BeamConfig{Beam: 1})
		if err != nil {
			t.Fatal(err)
		}
		if beam[0].Text != tr.Text || beam[0].Ended != tr.Ended || math.Abs(beam[0].LogProb-tr.LogProb) > 1e-4 {
			t.Errorf("%q: beam 1 gives %q (%v, %g), greedy %q (%v, %g)", tr.Source, beam[0].Text, beam[0].Ended, beam[0].LogProb,
				tr.Text, tr.Ended, tr.LogProb)
		}
		wide, err := dec.Beam(tr.Source, BeamConfig{Beam: 20, Alpha: 0.75})
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) == 0 || wide[0].Score < beam[0].Score-1e-9 && !beam[0].Ended {
			t.Errorf("%q: wide beam found %v", tr.Source, wide)
		}
	}
}

// TestTrainGRUModel: Train runs the attention model and the loss falls.
func TestTrainGRUModel(t *testing.T) {
	train, _, err := Dates(DateConfig{Seed: 3, Train: 64, Test: 0})
	if err != nil {
		t.Fatal(err)
	}
	m := dateModel(t, true)
	res, err := Train(m, DatePairs(train), Config{Epochs: 3, LearningRate: 0.01, BatchSize: 32, Shuffle: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if first, last := res.Losses[0], res.Losses[len(res.Losses)-1]; !(last < first) {
		t.Errorf("loss did not fall: %g → %g", first, last)
	}
	ts, err := m.Decoder(res.Ctx).Greedy([]string{train[0].Source}, 0)
	if err != nil || len(ts) != 1 {
		t.Fatalf("decoding after training: %v %v", ts, err)
	}
}
