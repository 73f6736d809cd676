package seq2seq

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Masks for batches of sequences of different lengths, padded to one length:
// which positions are real, a softmax that ignores the padding (d2l's
// masked_softmax) and a cross-entropy to which padding contributes nothing
// (PyTorch's ignore_index).

// SequenceMask is d2l's sequence_mask: for valid lengths validLens [B]
// (integers) it returns the mask [B, maxLen] (bool), true at the positions
// t < validLens[b] — the real steps of each sequence — and false at the
// padding after them.
func SequenceMask(validLens *graph.Node, maxLen int) *graph.Node {
	batch := validLens.Shape().Dim(0)
	steps := graph.Iota(validLens.Graph(), shapes.Make(dtypes.Int32, batch, maxLen), 1)
	lens := graph.ConvertDType(graph.ExpandAxes(validLens, -1), dtypes.Int32)
	return graph.LessThan(steps, graph.BroadcastToDims(lens, batch, maxLen))
}

// maskedValue is what d2l's masked_softmax writes over the masked scores,
// so that their exponentials vanish.
const maskedValue = -1e6

// MaskedSoftmax is d2l's masked_softmax(X, valid_lens): a softmax over the
// last axis of scores [B, Q, K] in which only the first validLens keys
// count. validLens is [B] (the same length for every query of a sample) or
// [B, Q] (one per query); nil means every key counts. As in d2l, the masked
// scores are replaced by -1e6 before the softmax, so their weights are 0
// (exp underflows), and a valid length of 0 gives uniform weights.
func MaskedSoftmax(scores, validLens *graph.Node) *graph.Node {
	if validLens == nil {
		return graph.Softmax(scores, -1)
	}
	batch, queries, keys := scores.Shape().Dim(0), scores.Shape().Dim(1), scores.Shape().Dim(2)
	if validLens.Rank() == 1 {
		validLens = graph.BroadcastToDims(graph.ExpandAxes(validLens, -1), batch, queries)
	}
	mask := graph.Reshape(SequenceMask(graph.Reshape(validLens, batch*queries), keys), batch, queries, keys)
	masked := graph.Where(mask, scores, graph.Scalar(scores.Graph(), scores.DType(), maskedValue))
	return graph.Softmax(masked, -1)
}

// MaskedCrossEntropy is torch.nn.CrossEntropyLoss with ignore_index: logits
// [..., C], class indices labels [...] (the same leading axes) and a mask
// [...] (bool) that is false where a label is padding. A position whose
// mask is false contributes nothing, to the loss or to its gradient. With
// ReduceMean (or the zero Reduction) the result is the mean over the
// positions that count, Σ mask·CE / Σ mask — reduction='mean' with
// ignore_index, and d2l's Seq2Seq.loss; with ReduceSum, the sum Σ mask·CE.
// Where no position counts the mean is 0 (PyTorch's is NaN).
func MaskedCrossEntropy(logits, labels, mask *graph.Node, r Reduction) *graph.Node {
	classes := logits.Shape().Dim(-1)
	n := logits.Shape().Size() / classes
	flatLabels := graph.Reshape(labels, n)
	logp := graph.LogSoftmax(graph.Reshape(logits, n, classes), -1)
	picked := graph.ReduceSum(graph.Mul(graph.OneHot(flatLabels, classes, logits.DType()), logp), -1) // [N]
	weights := graph.ConvertDType(graph.Reshape(mask, n), logits.DType())
	sum := graph.Neg(graph.ReduceAllSum(graph.Mul(picked, weights)))
	if r == ReduceSum {
		return sum
	}
	count := graph.ReduceAllSum(weights)
	return graph.Div(sum, graph.Max(count, graph.OnesLike(count)))
}

// SequenceCrossEntropy is MaskedCrossEntropy for batches of sequences given
// by their valid lengths, as d2l's MaskedSoftmaxCELoss(pred, label,
// valid_len) takes them: logits [B, T, C], labels [B, T] and validLens [B]
// (integers); the steps t ≥ validLens[b] of sample b contribute nothing. With
// ReduceMean it is the mean over the valid steps of the whole batch
// (d2l's second edition, PyTorch's ignore_index), not d2l's first-edition
// per-sample mean over all T steps.
func SequenceCrossEntropy(logits, labels, validLens *graph.Node, r Reduction) *graph.Node {
	return MaskedCrossEntropy(logits, labels, SequenceMask(validLens, labels.Shape().Dim(1)), r)
}
