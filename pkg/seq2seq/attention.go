package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// AdditiveAttention is d2l's AdditiveAttention (Bahdanau et al. 2015,
// "Neural Machine Translation by Jointly Learning to Align and Translate"):
// a query q and a key k are scored by a one-hidden-layer network,
//
//	a(q, k) = w_vᵀ tanh(W_q q + W_k k)
//
// the scores of a query over the keys go through a softmax masked to each
// sample's valid length (MaskedSoftmax), and the result is the weighted sum
// of the values, Σ_k α_k v_k. Its parameters are three Linear layers without
// bias, under d2l's names: W_q.weight [A, Dq], W_k.weight [A, Dk] and
// w_v.weight [1, A] (A = the attention's hidden size), so a state_dict of
// d2l's module loads by name. Dropout is left out (d2l's default is 0 in
// the decoder it builds).
//
// The gradients of W_q, W_k and w_v are pkg/rnn's Linear gradients, written
// as matrix products; the rest (tanh, the masked softmax, the weighted sum)
// is differentiated by GoMLX, element-wise operations and sums only.
type AdditiveAttention struct {
	wq, wk, wv *rnn.Linear
}

// NewAdditiveAttention creates (or finds) the attention's parameters in
// ctx's scope for queries of size querySize, keys of size keySize and a
// hidden size of hidden (d2l's num_hiddens), initialised as PyTorch's
// Linear is.
func NewAdditiveAttention(ctx *context.Context, querySize, keySize, hidden int) (*AdditiveAttention, error) {
	a := &AdditiveAttention{}
	var err error
	if a.wq, err = rnn.NewLinear(ctx.In("W_q"), querySize, hidden).Bias(false).Done(); err != nil {
		return nil, fmt.Errorf("seq2seq: attention W_q: %w", err)
	}
	if a.wk, err = rnn.NewLinear(ctx.In("W_k"), keySize, hidden).Bias(false).Done(); err != nil {
		return nil, fmt.Errorf("seq2seq: attention W_k: %w", err)
	}
	if a.wv, err = rnn.NewLinear(ctx.In("w_v"), hidden, 1).Bias(false).Done(); err != nil {
		return nil, fmt.Errorf("seq2seq: attention w_v: %w", err)
	}
	return a, nil
}

// Forward is d2l's AdditiveAttention.forward(queries, keys, values,
// valid_lens): queries [B, Q, Dq], keys [B, K, Dk], values [B, K, Dv] and
// validLens [B] or [B, Q] (integers; nil: every key counts). It returns the
// context [B, Q, Dv] and the attention weights [B, Q, K], each row summing
// to 1 over the first validLens keys and 0 after them.
func (a *AdditiveAttention) Forward(queries, keys, values, validLens *graph.Node) (contextVec, weights *graph.Node) {
	return a.attend(a.wq.Forward(queries), a.Keys(keys), values, validLens)
}

// Keys is W_k k for keys [B, K, Dk]: [B, K, A]. A decoder that asks the same
// keys at every step computes it once and passes it to Attend.
func (a *AdditiveAttention) Keys(keys *graph.Node) *graph.Node { return a.wk.Forward(keys) }

// Attend is one decoder step's attention: query [B, Dq] against the
// projected keys [B, K, A] (see Keys), values [B, K, Dv] and validLens [B].
// It returns the context [B, Dv] and the weights [B, K].
func (a *AdditiveAttention) Attend(query, projKeys, values, validLens *graph.Node) (contextVec, weights *graph.Node) {
	c, w := a.attend(graph.ExpandAxes(a.wq.Forward(query), 1), projKeys, values, validLens)
	return graph.Squeeze(c, 1), graph.Squeeze(w, 1)
}

// attend scores the projected queries q [B, Q, A] against the projected keys
// k [B, K, A] and averages the values.
func (a *AdditiveAttention) attend(q, k, values, validLens *graph.Node) (contextVec, weights *graph.Node) {
	batch, queries, keys, hidden := q.Shape().Dim(0), q.Shape().Dim(1), k.Shape().Dim(1), q.Shape().Dim(2)
	// features [B, Q, K, A] = tanh(q[:, :, None] + k[:, None]), as d2l broadcasts them.
	features := graph.Tanh(graph.Add(
		graph.BroadcastToDims(graph.ExpandAxes(q, 2), batch, queries, keys, hidden),
		graph.BroadcastToDims(graph.ExpandAxes(k, 1), batch, queries, keys, hidden)))
	scores := graph.Reshape(a.wv.Forward(features), batch, queries, keys)
	weights = MaskedSoftmax(scores, validLens)
	// torch.bmm(weights, values): [B, Q, K] · [B, K, Dv] → [B, Q, Dv].
	contextVec = graph.DotGeneral(weights, []int{2}, []int{0}, values, []int{1}, []int{0})
	return contextVec, weights
}
