package seq2seq

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

func TestScoreByLength(t *testing.T) {
	pairs := []Pair{{"03/03/21", "2021-03-03"}, {"3 March 2021", "2021-03-03"}, {"Wednesday, the 3rd of March, 2021", "2021-03-03"}, {"3 Mar 2021", "2021-03-03"}}
	ts := []Translation{{Source: pairs[0].Source, Text: "2021-03-03"}, {Source: pairs[1].Source, Text: "2021-03-08"},
		{Source: pairs[2].Source, Text: "2021-03-03"}, {Source: pairs[3].Source, Text: ""}}
	got, err := ScoreByLength(pairs, ts, []int{10, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	want := []LengthScore{{1, 10, 2, 0.5, 0.5}, {11, 20, 1, 0, 0.897222087564628}, {21, 30, 0, math.NaN(), math.NaN()}}
	for i, w := range want {
		g := got[i]
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-12 }
		if g.Lo != w.Lo || g.Hi != w.Hi || g.N != w.N || !same(g.Exact, w.Exact) || !same(g.BLEU, w.BLEU) {
			t.Errorf("bucket %d: %+v, want %+v", i, g, w)
		}
	}
	if _, err := ScoreByLength(pairs, ts[:2], []int{10}); err == nil || !strings.Contains(err.Error(), "4 pairs but 2 translations") {
		t.Errorf("lengths differ: %v", err)
	}
	if _, err := ScoreByLength(pairs[1:2], ts[:1], []int{10}); err == nil || !strings.Contains(err.Error(), `translation 0 is of "03/03/21"`) {
		t.Errorf("wrong source: %v", err)
	}
	if _, err := ScoreByLength(pairs, ts, []int{10, 5}); err == nil || !strings.Contains(err.Error(), "not ascending") {
		t.Errorf("bounds: %v", err)
	}
}

// TestDateAlignment: attention rows that read "3 March 2021" field by field
// (year on "2021", month on "March", day on "3") are monotone and on the
// fields; rows that read it backwards are not.
func TestDateAlignment(t *testing.T) {
	ex, err := WriteDate(time.Date(2021, 3, 3, 0, 0, 0, 0, time.UTC), "{d} {Month} {yyyy}") // 3 March 2021
	if err != nil {
		t.Fatal(err)
	}
	n := len(ex.Source) + 1
	row := func(at int) []float64 {
		r := make([]float64, n)
		r[at] = 1
		return r
	}
	// Output 2021-03-03$: year → 8 9 10 11, '-' → 12, month → 2 6, '-' → 7, day → 0 1, end → 12.
	good := Translation{Source: ex.Source, Text: "2021-03-03", Ended: true}
	for _, at := range []int{8, 9, 10, 11, 12, 2, 6, 7, 0, 1, 12} {
		good.Attention = append(good.Attention, row(at))
	}
	a, err := DateAlignment([]DateExample{ex}, []Translation{good})
	if err != nil {
		t.Fatal(err)
	}
	if a.Monotone != 1 || a.OnField != 1 || a.Examples != 1 {
		t.Errorf("field-by-field reading: %+v, want monotone 1, on field 1", a)
	}
	bad := good
	bad.Attention = nil
	for _, at := range []int{11, 10, 9, 8, 12, 6, 2, 7, 12, 11, 12} {
		bad.Attention = append(bad.Attention, row(at))
	}
	a, _ = DateAlignment([]DateExample{ex}, []Translation{bad})
	if want := 0.0; a.Monotone != want {
		t.Errorf("backwards reading: monotone %g, want %g", a.Monotone, want)
	}
	if want := 6.0 / 8; math.Abs(a.OnField-want) > 1e-12 { // the day's two characters read the year
		t.Errorf("backwards reading: on field %g, want %g", a.OnField, want)
	}
	short := good
	short.Attention = short.Attention[:3]
	if a, _ := DateAlignment([]DateExample{ex}, []Translation{short}); a.Examples != 0 || !math.IsNaN(a.Monotone) {
		t.Errorf("too short a translation is not measured: %+v", a)
	}
	y, m, d, err := FieldAccuracy([]DateExample{ex, ex}, []Translation{good, {Source: ex.Source, Text: "2021-04-03"}})
	if err != nil || y != 1 || m != 0.5 || d != 1 {
		t.Errorf("FieldAccuracy = %g %g %g %v, want 1 0.5 1", y, m, d, err)
	}
}

// uniformModel is a Model without parameters on a Layout whose logits are
// all 0: its cross-entropy is log V at every step.
type uniformModel struct{ *Layout }

func (m uniformModel) Build(*context.Context) error { return nil }
func (m uniformModel) String() string               { return "uniform" }
func (m uniformModel) Forward(_ *context.Context, inputs []*graph.Node) *graph.Node {
	dec := inputs[2]
	return graph.Zeros(dec.Graph(), shapes.Make(dtypes.Float32, dec.Shape().Dim(0), dec.Shape().Dim(1), m.Tgt.Size()))
}
func (m uniformModel) Loss(logits, labels *graph.Node, r Reduction) *graph.Node {
	return CrossEntropy(graph.Reshape(logits, -1, m.Tgt.Size()), labels, r)
}

func TestEvalLoss(t *testing.T) {
	l, err := NewWordLayout()
	if err != nil {
		t.Fatal(err)
	}
	m := uniformModel{l}
	for _, tc := range []struct {
		r    Reduction
		want float64
	}{{ReduceMean, math.Log(29)}, {ReduceSum, 36 * math.Log(29)}} { // 6 pairs of 6 steps, 29 symbols
		if got, err := EvalLoss(m, context.New(), MathorPairs, tc.r); err != nil || math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("EvalLoss(%v) = %g, %v; want %g", tc.r, got, err, tc.want)
		}
	}
	if _, err := EvalLoss(m, context.New(), []Pair{{"elephant", "mouse"}}, ReduceMean); err == nil || !strings.Contains(err.Error(), "more than the 5") {
		t.Errorf("bad pair: %v", err)
	}
}
