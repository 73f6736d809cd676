// Package rnn provides recurrent layers for GoMLX with PyTorch's semantics,
// names, shapes, defaults and numbers: what torch.nn.RNNCell, torch.nn.RNN,
// torch.nn.LSTMCell, torch.nn.LSTM, torch.nn.GRUCell, torch.nn.GRU,
// torch.nn.Linear and torch.nn.Embedding compute, digit for digit (checked
// against fixtures written by real PyTorch 1.13, see
// tools/pytorch/gen_rnn_fixtures.py).
//
// A simple recurrent network (SRN, Elman 1990 [1]) keeps one hidden state and
// updates it at every step of a sequence:
//
//	h_t = tanh(x_t · W_ihᵀ + b_ih + h_{t-1} · W_hhᵀ + b_hh)
//
// The gated layers keep the same shape of computation with PyTorch's gates:
// an LSTM (Hochreiter & Schmidhuber 1997 [2]) adds a cell state c_t and the
// gates i, f, g, o (weights [4H, ·]); a GRU (Cho et al. 2014 [3]) has the
// gates r, z, n (weights [3H, ·]). See LSTMCell and GRUCell for the formulas.
//
// The layers, PyTorch's name beside ours:
//
//	nn.RNNCell(input_size, hidden_size, bias, nonlinearity)    NewCell(ctx, I, H).Bias(b).Nonlinearity(n).Done()
//	nn.RNN(input_size, hidden_size, num_layers, nonlinearity,  New(ctx, I, H).NumLayers(k).Nonlinearity(n)
//	       bias, batch_first, dropout, bidirectional)            .Bias(b).BatchFirst(f).Dropout(p).Bidirectional(d).Done()
//	nn.LSTMCell(input_size, hidden_size, bias)                 NewLSTMCell(ctx, I, H).Bias(b).Done()
//	nn.LSTM(input_size, hidden_size, num_layers, bias,         NewLSTM(ctx, I, H).NumLayers(k).Bias(b).BatchFirst(f)
//	        batch_first, dropout, bidirectional, proj_size)      .Dropout(p).Bidirectional(d).ProjSize(P).Done()
//	nn.GRUCell(input_size, hidden_size, bias)                  NewGRUCell(ctx, I, H).Bias(b).Done()
//	nn.GRU(input_size, hidden_size, num_layers, bias,          NewGRU(ctx, I, H).NumLayers(k).Bias(b).BatchFirst(f)
//	       batch_first, dropout, bidirectional)                  .Dropout(p).Bidirectional(d).Done()
//	nn.Linear(in_features, out_features, bias)                 NewLinear(ctx, in, out).Bias(b).Done()
//	nn.Embedding(num_embeddings, embedding_dim)                NewEmbedding(ctx, n, dim).Done()
//	module(x, h)                                               layer.Forward(x, h) inside a GoMLX graph function
//	lstm(x, (h0, c0)) → out, (h_n, c_n)                        out, hN, cN := lstm.Forward(x, h0, c0) (nil, nil: zeros)
//	lstm_cell(x, (h, c)) → (h', c')                            h, c = cell.Forward(x, h, c)
//	module.named_parameters()                                  layer.NamedParameters()
//	nn.init.ones_/zeros_/constant_/uniform_                    Parameter.Ones/Zeros/Constant/Uniform
//	model.load_state_dict(torch.load(...))                     LoadStateDict(ctx, "model.npz")
//
// Configuration is GoMLX's builder style: New… returns the layer to
// configure, Done validates it (returning an error that says what was
// expected and what was got) and creates its parameters as context variables
// in the given scope, under PyTorch's names ("weight_ih_l0", …). Forward is
// then called inside a graph function, any number of times; it panics on bad
// shapes with such an error, which GoMLX's Exec returns to the caller.
//
// # Training
//
// Training uses GoMLX's train.Trainer. Its model function builds the layers
// from the context (the same scopes every call, so the variables are shared)
// and returns the logits; its loss function takes (labels, predictions) —
// PyTorch's criterion(output, target) the other way round:
//
//	model := func(ctx *context.Context, spec any, inputs []*graph.Node) []*graph.Node {
//		emb := rnn.Must(rnn.NewEmbedding(ctx.In("emb"), V, E).Done())
//		lstm := rnn.Must(rnn.NewLSTM(ctx.In("lstm"), E, H).Done())
//		fc := rnn.Must(rnn.NewLinear(ctx.In("fc"), H, V).Done())
//		out, _, _ := lstm.Forward(emb.Forward(inputs[0]), nil, nil)
//		return []*graph.Node{fc.Forward(out)}
//	}
//	loss := func(labels, logits []*graph.Node) *graph.Node {
//		return seq2seq.CrossEntropy(logits[0], labels[0], seq2seq.ReduceMean)
//	}
//	//                       backend, context, model, loss, optimizer, train metrics, eval metrics
//	trainer := train.NewTrainer(backend.MustGet(), ctx, model, loss, seq2seq.Adam(1e-3), nil, nil)
//	metrics, err := trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y}) // metrics[0]: the loss
//
// The PyTorch-flavoured pieces around the layers live in package seq2seq
// (github.com/nndl-hw9/rnngo/pkg/seq2seq), one home each: CrossEntropy is
// nn.CrossEntropyLoss (mean or sum), Adam is torch.optim.Adam with PyTorch's
// defaults (eps 1e-8; GoMLX's own default is 1e-7), Vocab/VocabOf map
// characters to indices; seq2seq.Train is a whole training loop for its
// Model interface. ClipGradNorm / WithClipGradNorm here is
// clip_grad_norm_. The backend comes from package backend (backend.MustGet).
//
// To run a layer one step at a time from the host — sampling, feeding each
// output back — build an Exec that takes the state and returns the new one;
// ZeroState gives the first (Exec arguments cannot be nil). Example_training
// trains a character-level LSTM and samples from it that way.
//
// Indices (Embedding's tokens, a loss's labels) are not checked inside a
// graph; CheckIndices and Embedding.Check check them on the host.
//
// Gradients of the recurrent
// layers are, by default, hand-derived backpropagation through time written
// with matrix products (∂W = Σ_t δ_tᵀ·h_{t-1}: one product a step, one per
// weight for the whole sequence; the gated layers' δ_t stacks their gates,
// [N, 4H] or [N, 3H]), wired into GoMLX's autodiff with its custom-gradient hook;
// GoMLX's own differentiation of the same graph (CustomGradient(false)) gives
// the same numbers but is several times slower on the pure-Go backend, which
// differentiates a matrix product as a broadcast multiply and a reduction.
// No tensor that needs a gradient is ever sliced: the pure-Go backend has no
// Pad operation, so Slice has no gradient there.
//
// Limits, stated plainly: the graph is unrolled, so its size is O(L) in the
// sequence length and a graph is compiled per input shape; there are no
// packed/ragged sequences, and the random initialisation follows PyTorch's
// distributions but not its random numbers (use LoadStateDict to start from
// PyTorch's exact weights).
//
// The file reference.go has the from-scratch version: the same network in
// plain Go float64 with explicit weight matrices (SRN), as the homework's
// NumPy code writes it.
//
// [1] J. L. Elman, "Finding Structure in Time", Cognitive Science 14, 1990.
//
// [2] S. Hochreiter, J. Schmidhuber, "Long Short-Term Memory", Neural
// Computation 9, 1997.
//
// [3] K. Cho et al., "Learning Phrase Representations using RNN
// Encoder–Decoder for Statistical Machine Translation", EMNLP 2014.
package rnn
