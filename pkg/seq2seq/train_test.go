package seq2seq

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// copyModel is the smallest Model Train can train: a Linear layer from each
// source character's one-hot row to the logits of the target character at
// the same step. badLabel, if set, is a label Examples gives the pair whose
// source is "bad" (to test what a label out of range does); poison makes
// Forward's logits NaN for a source starting with 'x'.
type copyModel struct {
	vocab    *Vocab
	badLabel int
	poison   bool
}

func (m copyModel) Build(ctx *context.Context) error {
	_, err := rnn.NewLinear(ctx.In("fc"), m.vocab.Size(), m.vocab.Size()).Done()
	return err
}

func (m copyModel) Examples(pairs []Pair) ([]*tensors.Tensor, *tensors.Tensor, error) {
	var x []float32
	var y []int32
	for _, p := range pairs {
		rows, err := m.vocab.OneHot(p.Source)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			x = append(x, r...)
		}
		idx, err := m.vocab.Encode(p.Target)
		if err != nil {
			return nil, nil, err
		}
		for _, i := range idx {
			if p.Source == "bad" {
				i = m.badLabel
			}
			y = append(y, int32(i))
		}
	}
	n := len(pairs[0].Source)
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(x, len(pairs), n, m.vocab.Size())},
		tensors.FromFlatDataAndDimensions(y, len(pairs), n), nil
}

func (m copyModel) Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node {
	fc := rnn.Must(rnn.NewLinear(ctx.In("fc"), m.vocab.Size(), m.vocab.Size()).Done())
	logits := fc.Forward(inputs[0])
	if m.poison { // NaN logits for a source whose first character is 'x' (the vocabulary's last)
		isX := graph.GreaterThan(graph.Slice(inputs[0], graph.AxisRange(), graph.AxisElem(0), graph.AxisElem(m.vocab.Size()-1)),
			graph.Scalar(logits.Graph(), logits.DType(), 0.5))
		nan := graph.BroadcastToShape(graph.Scalar(logits.Graph(), logits.DType(), math.NaN()), logits.Shape())
		logits = graph.Where(graph.BroadcastToShape(isX, logits.Shape()), nan, logits)
	}
	return logits
}

func (m copyModel) Loss(logits, labels *graph.Node, r Reduction) *graph.Node {
	v := logits.Shape().Dim(-1)
	return CrossEntropy(graph.Reshape(logits, -1, v), graph.Reshape(labels, -1), r)
}

func (m copyModel) String() string { return "Linear(V, V)" }

func newCopyModel(t *testing.T) copyModel {
	v, err := NewVocab("abdx")
	if err != nil {
		t.Fatal(err)
	}
	return copyModel{vocab: v}
}

// TestTrainLearnsAndHonoursReduction: Train fits the copy task, and a summed
// loss is the mean times the cross-entropies it counts (2 pairs × 3 steps).
func TestTrainLearnsAndHonoursReduction(t *testing.T) {
	pairs := []Pair{{Source: "abd", Target: "abd"}, {Source: "dba", Target: "dba"}}
	mean, err := Train(newCopyModel(t), pairs, Config{Epochs: 60, LearningRate: 0.1, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if first, last := mean.Losses[0], mean.Last.Loss; !(last < first/10) {
		t.Errorf("mean loss %v → %v: the copy task not learned", first, last)
	}
	sum, err := Train(newCopyModel(t), pairs, Config{Epochs: 1, LearningRate: 0.1, BatchSize: 2, Reduction: ReduceSum})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sum.Losses[0], 6*mean.Losses[0]; math.Abs(got-want) > 1e-5*want {
		t.Errorf("summed loss %v, want 6 × the mean %v", got, want)
	}
}

// TestCrossEntropyLabelOutOfRange: a label outside [0, C) is NaN, not a
// finite loss (PyTorch raises an error there).
func TestCrossEntropyLabelOutOfRange(t *testing.T) {
	b := backend.MustGet()
	logits := tensors.FromValue([][]float32{{1, 2, 3}, {0, 0, 0}})
	for _, label := range []int32{3, 100, -1} {
		loss := graph.MustExecOnce(b, func(l, y *graph.Node) *graph.Node { return CrossEntropy(l, y, ReduceMean) },
			logits, tensors.FromValue([]int32{0, label}))
		if v := tensors.ToScalar[float32](loss); !math.IsNaN(float64(v)) {
			t.Errorf("label %d of 3 classes: loss %v, want NaN", label, v)
		}
	}
	ok := graph.MustExecOnce(b, func(l, y *graph.Node) *graph.Node { return CrossEntropy(l, y, ReduceSum) },
		logits, tensors.FromValue([]int32{2, 0}))
	want := -math.Log(math.Exp(3)/(math.Exp(1)+math.Exp(2)+math.Exp(3))) + math.Log(3)
	if v := float64(tensors.ToScalar[float32](ok)); math.Abs(v-want) > 1e-5 {
		t.Errorf("loss %v, want %v", v, want)
	}
}

func TestCheckLabels(t *testing.T) {
	if err := CheckLabels(tensors.FromValue([][]int64{{0, 3}, {2, 1}}), 4); err != nil {
		t.Error(err)
	}
	for _, tc := range []struct {
		labels *tensors.Tensor
		want   string
	}{
		{tensors.FromValue([][]int32{{0, 4}}), "label 4 at flat position 1 of the labels (Int32)[1 2] is outside the 4 classes [0, 4)"},
		{tensors.FromValue([]int64{-1}), "label -1 at flat position 0"},
		{tensors.FromValue([]float32{1}), "labels are (Float32)[1], want class indices"},
	} {
		if err := CheckLabels(tc.labels, 4); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckLabels: %v, want an error containing %q", err, tc.want)
		}
	}
}

// TestTrainStopsOnNaN: a label out of range stops training with an error
// naming the pair and the label; any other NaN loss with one naming the
// epoch and step; ContinueOnNaN goes on, as PyTorch does.
func TestTrainStopsOnNaN(t *testing.T) {
	m := newCopyModel(t)
	m.badLabel = 7
	pairs := []Pair{{Source: "abd", Target: "abd"}, {Source: "bad", Target: "bad"}}
	_, err := Train(m, pairs, Config{Epochs: 3, LearningRate: 0.1})
	if err == nil || !strings.Contains(err.Error(), `epoch 1, step 2: the loss is NaN: pair 1 ("bad" → "bad"): seq2seq: label 7 at flat position 0`) {
		t.Errorf("a label out of range: error %v", err)
	}
	m = newCopyModel(t)
	m.poison = true
	pairs = []Pair{{Source: "abd", Target: "abd"}, {Source: "abd", Target: "abd"}, {Source: "xab", Target: "xab"}}
	_, err = Train(m, pairs, Config{Epochs: 2, LearningRate: 0.1})
	if err == nil || !strings.Contains(err.Error(), "seq2seq: epoch 1, step 3: the loss is NaN, so every parameter is now NaN") {
		t.Errorf("a NaN loss: error %v", err)
	}
	res, err := Train(m, pairs, Config{Epochs: 2, LearningRate: 0.1, ContinueOnNaN: true})
	if err != nil || len(res.Losses) != 6 || !math.IsNaN(res.Losses[5]) {
		t.Errorf("ContinueOnNaN: %v, losses %v", err, res)
	}
}
