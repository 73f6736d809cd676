package seq2seq

import (
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Pair is one training example: a source string and its target string
// ("hello" → "ohlol", "man" → "women").
type Pair struct{ Source, Target string }

// Model is a character sequence model that Train trains: a CharModel (the
// lecture-12 networks CellModel, RNNModel and EmbeddingModel with their
// vocabulary) and the EncoderDecoder. Its parameters live in a GoMLX context under PyTorch's
// names; the model value itself holds only its configuration.
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
	// on inputs laid out as Examples lays them out, and returns the logits.
	Forward(ctx *context.Context, inputs []*graph.Node) *graph.Node
	// Loss is the training loss of a batch, from Forward's logits and
	// Examples' labels: cross-entropies averaged or summed as r says (see
	// each model for how the examples of a batch combine).
	Loss(logits, labels *graph.Node, r Reduction) *graph.Node
	// String describes the model as PyTorch would construct it.
	String() string
}

// Reduction is how a loss combines the cross-entropies of a sequence's
// steps: PyTorch's CrossEntropyLoss(reduction=…).
type Reduction int

const (
	// ReduceMean averages them (reduction='mean', PyTorch's default). A
	// Config's zero Reduction means ReduceMean, unnamed in Config.String.
	ReduceMean Reduction = iota + 1
	// ReduceSum adds them up (reduction='sum'): what the lecture's first
	// model computes with `loss += criterion(hidden, label)` over the steps.
	ReduceSum
)

// String describes the loss as the lecture's code computes it.
func (r Reduction) String() string {
	if r == ReduceSum {
		return "cross-entropy summed over the steps"
	}
	return "mean cross-entropy"
}

// CrossEntropy is torch.nn.CrossEntropyLoss on logits [N, C] and class
// indices labels [N, 1] (or [N]): the mean over the N rows of
// -log softmax(logits)[label] (ReduceMean, or the zero Reduction), or their
// sum (ReduceSum).
func CrossEntropy(logits, labels *graph.Node, r Reduction) *graph.Node {
	n, c := logits.Shape().Dim(0), logits.Shape().Dim(-1)
	oneHot := graph.OneHot(graph.Reshape(labels, n), c, logits.DType())
	perRow := graph.Neg(graph.ReduceSum(graph.Mul(oneHot, graph.LogSoftmax(logits)), -1)) // [N]
	if r == ReduceSum {
		return graph.ReduceAllSum(perRow)
	}
	return graph.ReduceAllMean(perRow)
}
