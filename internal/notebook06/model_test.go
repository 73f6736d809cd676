package notebook06

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
	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// dateModel is a small model of the date task.
func dateModel(t testing.TB, attention bool) *EncoderDecoder {
	t.Helper()
	l, err := seq2seq.NewDateLayout()
	if err != nil {
		t.Fatal(err)
	}
	return &EncoderDecoder{Layout: l, Embed: 8, Hidden: 16, Attention: attention}
}

// wordModel is a small model of mathor's pairs.
func wordModel(t testing.TB, unmasked bool) *EncoderDecoder {
	t.Helper()
	l, err := seq2seq.NewWordLayout()
	if err != nil {
		t.Fatal(err)
	}
	return &EncoderDecoder{Layout: l, Embed: 4, Hidden: 8, Unmasked: unmasked}
}

// TestEncoderDecoderParameters: the parameters under d2l's state_dict names
// and shapes, and what String says; a size of 0 is an error, not a panic.
func TestEncoderDecoderParameters(t *testing.T) {
	m := dateModel(t, true)
	ctx := context.New()
	if err := m.Build(ctx); err != nil {
		t.Fatal(err)
	}
	shapes := map[string][]int{}
	for v := range ctx.IterVariables() {
		shapes[strings.ReplaceAll(strings.TrimPrefix(v.Scope(), "/"), "/", ".")+"."+v.Name()] = v.Shape().Dimensions
	}
	for name, want := range map[string][]int{
		"encoder.embedding.weight": {61, 8}, "encoder.rnn.weight_ih_l0": {48, 8}, "decoder.embedding.weight": {14, 8},
		"decoder.attention.W_q.weight": {16, 16}, "decoder.attention.W_k.weight": {16, 16}, "decoder.attention.w_v.weight": {1, 16},
		"decoder.rnn.weight_ih_l0": {48, 24}, "decoder.dense.weight": {14, 16}, "decoder.dense.bias": {14},
	} {
		if !slices.Equal(shapes[name], want) {
			t.Errorf("%s: shape %v, want %v", name, shapes[name], want)
		}
	}
	if len(shapes) != 15 {
		t.Errorf("%d parameters, want 15: %v", len(shapes), shapes)
	}
	if s := m.String(); !strings.Contains(s, "AdditiveAttention(16) → GRU(24, 16) → Linear(16, 14)") || !strings.Contains(s, "掩码损失") {
		t.Errorf("String() = %q", s)
	}
	bad := *m
	bad.Embed = 0
	if err := bad.Build(context.New()); err == nil {
		t.Errorf("Build with embedding size 0: no error")
	}
}

// TestMaskedLossIgnoresPadding: the masked loss does not change when the
// logits of the padding steps change; the unmasked one does.
func TestMaskedLossIgnoresPadding(t *testing.T) {
	masked, unmasked := wordModel(t, false), wordModel(t, true)
	_, labels, err := masked.Examples([]seq2seq.Pair{{Source: "girl", Target: "boy"}, {Source: "up", Target: "down"}}) // boyE??, downE?
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
	loss := func(m *EncoderDecoder, logits []float32, r ...seq2seq.Reduction) float64 {
		exec, err := context.NewExec(backend.MustGet(), context.New(), func(_ *context.Context, lg, lb *graph.Node) *graph.Node {
			return m.Loss(lg, lb, append(r, seq2seq.ReduceMean)[0])
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
	// seq2seq.ReduceSum is honoured: the sum over the 9 real symbols (masked) or all 12 steps (unmasked).
	if mean, sum := loss(masked, logits), loss(masked, logits, seq2seq.ReduceSum); math.Abs(sum-9*mean) > 1e-4*sum {
		t.Errorf("masked: summed loss %g, want 9 × the mean %g", sum, mean)
	}
	if mean, sum := loss(unmasked, logits), loss(unmasked, logits, seq2seq.ReduceSum); math.Abs(sum-12*mean) > 1e-4*sum {
		t.Errorf("unmasked: summed loss %g, want 12 × the mean %g", sum, mean)
	}
	// An untrained model's loss is about log V per symbol.
	ctx := context.New()
	if err := masked.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if l, err := seq2seq.EvalLoss(masked, ctx, seq2seq.MathorPairs, seq2seq.ReduceMean); err != nil || math.Abs(l-math.Log(29)) > 0.5 {
		t.Errorf("untrained loss %g (%v), want about log 29 = %g", l, err, math.Log(29))
	}
}

// TestSearchAgreesWithTeacherForcing: seq2seq.Search decodes an untrained
// attention model one step at a time (Encode, Step); its greedy attention
// rows equal the teacher-forced model's weights on the symbols it produced,
// and their log-probabilities sum to the translation's; beam search of
// width 1 is greedy decoding, and a beam wider than the vocabulary works.
func TestSearchAgreesWithTeacherForcing(t *testing.T) {
	m := dateModel(t, true)
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(1))
	if err := m.Build(ctx); err != nil {
		t.Fatal(err)
	}
	sources := []string{"3 march 2021", "Wednesday, the 30th of September, 2021", "08/27/94"}
	search := seq2seq.NewSearch(m.Layout, m, ctx)
	ts, err := search.Greedy(sources, 0)
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
		logits, w := m.forward(ctx, s, l, d)
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
	v, ts1 := m.Tgt.Size(), m.SourceSteps()
	for b, tr := range ts {
		t.Logf("%q → %q (ended %v, %d attention rows, log P %.3f)", tr.Source, tr.Text, tr.Ended, len(tr.Attention), tr.LogProb)
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
		beam, err := search.Beam(tr.Source, seq2seq.BeamConfig{Beam: 1})
		if err != nil {
			t.Fatal(err)
		}
		if beam[0].Text != tr.Text || beam[0].Ended != tr.Ended || math.Abs(beam[0].LogProb-tr.LogProb) > 1e-4 {
			t.Errorf("%q: beam 1 gives %q (%v, %g), greedy %q (%v, %g)", tr.Source, beam[0].Text, beam[0].Ended, beam[0].LogProb,
				tr.Text, tr.Ended, tr.LogProb)
		}
		wide, err := search.Beam(tr.Source, seq2seq.BeamConfig{Beam: 20, Alpha: 0.75})
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) == 0 || wide[0].Score < beam[0].Score-1e-9 && !beam[0].Ended {
			t.Errorf("%q: wide beam found %v", tr.Source, wide)
		}
	}
	plain, plainCtx := dateModel(t, false), context.New()
	if err := plain.Build(plainCtx); err != nil {
		t.Fatal(err)
	}
	if ts, err := seq2seq.NewSearch(plain.Layout, plain, plainCtx).Greedy(sources[:1], 0); err != nil || ts[0].Attention != nil {
		t.Errorf("plain model: %+v, %v", ts, err)
	}
}

// TestTrainEncoderDecoder: seq2seq.Train trains the attention model and the
// loss falls; a bad pair is an error that names it.
func TestTrainEncoderDecoder(t *testing.T) {
	train, _, err := seq2seq.Dates(seq2seq.DateConfig{Seed: 3, Train: 64, Test: 0})
	if err != nil {
		t.Fatal(err)
	}
	m := dateModel(t, true)
	res, err := seq2seq.Train(m, seq2seq.DatePairs(train), seq2seq.Config{Epochs: 3, LearningRate: 0.01, BatchSize: 32, Shuffle: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if first, last := res.Losses[0], res.Losses[len(res.Losses)-1]; !(last < first) {
		t.Errorf("loss did not fall: %g → %g", first, last)
	}
	ts, err := seq2seq.NewSearch(m.Layout, m, res.Ctx).Greedy([]string{train[0].Source}, 0)
	if err != nil || len(ts) != 1 {
		t.Fatalf("decoding after training: %v %v", ts, err)
	}
	bad := []seq2seq.Pair{{Source: "3 March 2021", Target: "2021-03-03"}, {Source: "3 Marzo 2021", Target: "2021-03-03"}}
	if _, err := seq2seq.Train(m, bad, seq2seq.Config{Epochs: 1, LearningRate: 0.01}); err == nil ||
		!strings.Contains(err.Error(), "seq2seq: pair 1: source: character 'z' at position 5") {
		t.Errorf("Train with a bad pair: %v", err)
	}
}
