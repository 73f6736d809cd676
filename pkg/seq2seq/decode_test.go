package seq2seq

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// echoModel is a StepModel without parameters that writes its source back:
// its state is the step t [B, 1], its memory the source one-hot
// [B, Ts, V], and step t "attends" to source position t alone, whose symbol
// gets logit 10 (the others 0) — so it writes the source's characters, then
// its end symbol.
type echoModel struct{ vocab int }

func (m echoModel) Encode(_ *context.Context, src, _ *graph.Node) (*graph.Node, []*graph.Node) {
	state := graph.Zeros(src.Graph(), shapes.Make(dtypes.Float32, src.Shape().Dim(0), 1))
	return state, []*graph.Node{graph.OneHot(src, m.vocab, dtypes.Float32)}
}

func (m echoModel) Step(_ *context.Context, _, state *graph.Node, memory []*graph.Node) (logits, next, weights *graph.Node) {
	src := memory[0] // [B, Ts, V]
	positions := graph.Iota(src.Graph(), shapes.Make(dtypes.Float32, src.Shape().Dim(0), src.Shape().Dim(1)), 1)
	weights = graph.ConvertDType(graph.Equal(positions, graph.BroadcastToShape(state, positions.Shape())), dtypes.Float32)
	logits = graph.MulScalar(graph.DotGeneral(weights, []int{1}, []int{0}, src, []int{1}, []int{0}), 10)
	return logits, graph.AddScalar(state, 1), weights
}

// noAttention is echoModel without attention weights.
type noAttention struct{ echoModel }

func (m noAttention) Step(ctx *context.Context, prev, state *graph.Node, memory []*graph.Node) (logits, next, weights *graph.Node) {
	logits, next, _ = m.echoModel.Step(ctx, prev, state, memory)
	return logits, next, nil
}

func echoSearch(t *testing.T, attention bool) *Search {
	t.Helper()
	l, err := NewLayout("^$_ab", "^$_ab", DateSpecials, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	var m StepModel = echoModel{l.Src.Size()}
	if !attention {
		m = noAttention{echoModel{l.Src.Size()}}
	}
	return NewSearch(l, m, context.New())
}

// TestSearchGreedyAndBeam: greedy decoding writes what the model predicts,
// with the log-probabilities summed and one attention row per symbol over
// the source's characters and its end symbol; beam search of width 1 finds
// the same, and so does a wider beam; more than 256 sources go through in
// batches and come back in order.
func TestSearchGreedyAndBeam(t *testing.T) {
	s := echoSearch(t, true)
	ts, err := s.Greedy([]string{"ab", "b", "abba"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	logp := 10 - math.Log(math.Exp(10)+4) // log softmax of the symbol with logit 10 among 5
	for _, tr := range ts {
		n := len(tr.Source)
		if tr.Text != tr.Source || !tr.Ended || math.Abs(tr.LogProb-float64(n+1)*logp) > 1e-4 || len(tr.Attention) != n+1 {
			t.Errorf("%q: %+v", tr.Source, tr)
			continue
		}
		for step, row := range tr.Attention {
			want := make([]float64, n+1)
			want[step] = 1
			if !slices.Equal(row, want) {
				t.Errorf("%q step %d: attention %v, want %v", tr.Source, step, row, want)
			}
		}
		for _, k := range []int{1, 3} {
			beam, err := s.Beam(tr.Source, BeamConfig{Beam: k, Alpha: 0.75})
			if err != nil {
				t.Fatal(err)
			}
			if b := beam[0]; b.Text != tr.Text || !b.Ended || math.Abs(b.LogProb-tr.LogProb) > 1e-4 || b.Attention != nil {
				t.Errorf("%q, beam %d: %+v, greedy %+v", tr.Source, k, b, tr)
			}
		}
	}
	if short, err := s.Greedy([]string{"abba"}, 2); err != nil || short[0].Text != "ab" || short[0].Ended {
		t.Errorf("greedy with maxLen 2: %+v, %v", short, err)
	}
	var many []string
	for i := range 300 {
		many = append(many, strings.Repeat("a", i%4+1))
	}
	got, err := s.Greedy(many, 0)
	if err != nil || len(got) != len(many) {
		t.Fatalf("300 sources: %d translations, %v", len(got), err)
	}
	for i, tr := range got {
		if tr.Source != many[i] || tr.Text != many[i] {
			t.Fatalf("source %d: %+v", i, tr)
		}
	}
	plain, err := echoSearch(t, false).Greedy([]string{"ab"}, 0)
	if err != nil || plain[0].Text != "ab" || plain[0].Attention != nil {
		t.Errorf("without attention: %+v, %v", plain, err)
	}
}

func TestSearchErrors(t *testing.T) {
	s := echoSearch(t, true)
	for _, tc := range []struct {
		run  func() error
		want string
	}{
		{func() error { _, err := s.Greedy(nil, 0); return err }, "no sources"},
		{func() error { _, err := s.Greedy([]string{"ab", "abc"}, 0); return err }, "source 1: seq2seq: character 'c'"},
		{func() error { _, err := s.Greedy([]string{"aaaaa"}, 0); return err }, "more than the 4 the model takes"},
		{func() error { _, err := s.Beam("", BeamConfig{Beam: 3}); return err }, "empty string"},
		{func() error { _, err := s.Beam("ab", BeamConfig{Beam: -2}); return err }, "beam size must be at least 1 (or 0 for 1), got -2"},
		{func() error {
			_, err := NewSearch(nil, echoModel{5}, context.New()).Greedy([]string{"a"}, 0)
			return err
		}, "needs a layout"},
	} {
		if err := tc.run(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}
