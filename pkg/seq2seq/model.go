package seq2seq

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Pair is one training example: a source string and its target string
// ("hello" → "ohlol", "man" → "women").
type Pair struct{ Source, Target string }

// Model is a sequence model that Train trains. Implement it for your own
// model: notebook 06's attention encoder–decoder is one. Its parameters live
// in a GoMLX context (PyTorch's names, so a state dict can be loaded); the
// model value itself holds only its configuration.
//
// Graph-building methods panic on errors (GoMLX's convention: Exec returns
// the panic as its error).
type Model interface {
	// Build creates the model's parameters in ctx (or finds them there),
	// without a graph: to set or load them before training.
	Build(ctx *context.Context) error
	// Examples encodes pairs as one batch: the model's input tensors and the
	// labels (class indices) its Loss takes. An error says what is wrong
	// with which word; Train adds the pair's index.
	Examples(pairs []Pair) (inputs []*tensors.Tensor, labels *tensors.Tensor, err error)
	// Forward builds the model in ctx (creating or reusing its parameters)
	// on inputs laid out as Examples lays them out, and returns the logits,
	// classes on the last axis.
	Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node
	// Loss is the training loss of a batch, from Forward's logits and
	// Examples' labels: the cross-entropies of every (example, step) the
	// model counts, averaged (ReduceMean) or summed (ReduceSum) over the
	// whole batch. Train passes Config.Reduction, ReduceMean when unset.
	Loss(logits, labels *graph.Node, r Reduction) *graph.Node
	// String describes the model as PyTorch would construct it.
	String() string
}

// Reduction is how a loss combines the cross-entropies of a batch (every
// step of every example it counts): PyTorch's
// CrossEntropyLoss(reduction=…).
type Reduction int

const (
	// ReduceMean averages them (reduction='mean', PyTorch's default). A
	// Config's zero Reduction means ReduceMean.
	ReduceMean Reduction = iota + 1
	// ReduceSum adds them up (reduction='sum'): what the lecture's first
	// model computes with `loss += criterion(hidden, label)` over the steps.
	ReduceSum
)

// String names the reduction as Config.String prints it.
func (r Reduction) String() string {
	if r == ReduceSum {
		return "cross-entropy summed over the batch"
	}
	return "mean cross-entropy"
}

// CrossEntropy is torch.nn.CrossEntropyLoss on logits [N, C] and class
// indices labels [N, 1] (or [N]): the mean over the N rows of
// -log softmax(logits)[label] (ReduceMean, or the zero Reduction), or their
// sum (ReduceSum).
//
// A label outside [0, C) makes its row, and so the loss, NaN: PyTorch
// raises an error there, and a graph cannot, so the NaN carries it (Train
// stops on it and names the label; CheckLabels checks labels on the host
// before they reach a graph).
func CrossEntropy(logits, labels *graph.Node, r Reduction) *graph.Node {
	n, c := logits.Shape().Dim(0), logits.Shape().Dim(-1)
	labels = graph.Reshape(labels, n)
	oneHot := graph.OneHot(labels, c, logits.DType())
	perRow := graph.Neg(graph.ReduceSum(graph.Mul(oneHot, graph.LogSoftmax(logits)), -1)) // [N]
	g := logits.Graph()
	inRange := graph.LogicalAnd(graph.GreaterOrEqual(labels, graph.ScalarZero(g, labels.DType())),
		graph.LessThan(labels, graph.Scalar(g, labels.DType(), c)))
	perRow = graph.Where(inRange, perRow, graph.Scalar(g, perRow.DType(), math.NaN()))
	if r == ReduceSum {
		return graph.ReduceAllSum(perRow)
	}
	return graph.ReduceAllMean(perRow)
}

// CheckLabels checks class-index labels on the host before they go into a
// graph: every value must be in [0, classes). labels may have any shape and
// any integer dtype; the error names the first bad value, its position and
// the range expected.
func CheckLabels(labels *tensors.Tensor, classes int) error {
	if labels == nil {
		return fmt.Errorf("seq2seq: no labels (want class indices in [0, %d))", classes)
	}
	var values []int64
	switch labels.DType() {
	case dtypes.Int64:
		values = tensors.MustCopyFlatData[int64](labels)
	case dtypes.Int32:
		for _, v := range tensors.MustCopyFlatData[int32](labels) {
			values = append(values, int64(v))
		}
	default:
		return fmt.Errorf("seq2seq: labels are %s, want class indices (int32 or int64) in [0, %d)", labels.Shape(), classes)
	}
	for i, v := range values {
		if v < 0 || v >= int64(classes) {
			return fmt.Errorf("seq2seq: label %d at flat position %d of the labels %s is outside the %d classes [0, %d)",
				v, i, labels.Shape(), classes, classes)
		}
	}
	return nil
}
