#!/usr/bin/env python3
"""Writes the PyTorch references that notebook 06 and its tests (internal/notebook06) compare with.

Run with PyTorch 1.13 (Debian's python3-torch, /usr/bin/python3):

    /usr/bin/python3 tools/pytorch/attention_fixture.py notebooks/data/attention

The modules are d2l.ai's (chapters 10.7 and 11.4, "Sequence-to-Sequence Learning"
and "The Bahdanau Attention Mechanism"), written out here so that nothing is
downloaded: AdditiveAttention and masked_softmax verbatim, the GRU encoder and the
decoders as d2l builds them, with the two choices notebook 06 documents:
the encoder's state handed to the decoder is the one after each sample's last
real step (outputs[valid_len - 1, b], what pack_padded_sequence gives), and both
decoders read [embedding; context].

It writes:

  attention.npz, plain.npz  one GRU encoder-decoder each, with and without
      attention (torch.manual_seed(0), vocabularies of 7 and 6 symbols, E 3, H 4,
      batch 3, 6 source and 4 target steps, valid lengths 6, 3 and 1):
        param.<name>   every parameter under its state_dict name
        src, src_len, dec_in, labels   the batch (int32)
        logits         [B, Tt, Vt] the decoder's output with teacher forcing
        attention      [B, Tt, Ts] the attention weights (attention.npz only)
        loss           the masked cross-entropy of the logits (label 2 = padding
                       is ignored: CrossEntropyLoss(ignore_index=2))
        grad.<name>    d loss / d every parameter, by PyTorch's autograd
  masked_ce.npz  CrossEntropyLoss(ignore_index=pad) on random logits [5, 4, 6]:
        logits, labels, mask, mean (reduction='mean'), sum (reduction='sum'),
        d2l (d2l's first-edition MaskedSoftmaxCELoss: each sample's loss summed
        over its real steps and divided by all its steps, per sample),
        grad_mean   d mean / d logits
  masked_softmax.npz  d2l's masked_softmax on random scores [2, 3, 5] with
        valid lengths [2, 4] (lens1) and [[1, 3, 5], [2, 4, 1]] (lens2):
        scores, lens1, lens2, out1, out2

internal/notebook06's TestAttentionFixturesAreRealPyTorch runs this script again into a
temporary directory where PyTorch is installed and fails if any array differs.
"""
import os
import sys

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)


# --------------------------------------------------------------------------- d2l
def sequence_mask(X, valid_len, value=0):
    """d2l.sequence_mask: mask irrelevant entries in sequences."""
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    """d2l.masked_softmax: perform softmax operation by masking elements on the last axis."""
    # X: 3D tensor, valid_lens: 1D or 2D tensor
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        # On the last axis, replace masked elements with a very large negative
        # value, whose exponentiation outputs 0
        X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):
    """d2l.AdditiveAttention (nn.Linear instead of nn.LazyLinear: sizes given)."""

    def __init__(self, query_size, key_size, num_hiddens, dropout=0):
        super().__init__()
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # After dimension expansion, shape of queries: (batch_size, no. of
        # queries, 1, num_hiddens) and shape of keys: (batch_size, 1, no. of
        # key-value pairs, num_hiddens). Sum them up with broadcasting
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        # There is only one output of self.w_v, so we remove the last
        # one-dimensional entry from the shape. Shape of scores: (batch_size,
        # no. of queries, no. of key-value pairs)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        # Shape of values: (batch_size, no. of key-value pairs, value dimension)
        return torch.bmm(self.dropout(self.attention_weights), values)


class Encoder(nn.Module):
    """d2l.Seq2SeqEncoder with a GRU; the state handed on is the last real step's."""

    def __init__(self, vocab_size, embed_size, num_hiddens):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens)

    def forward(self, X, valid_len):
        X = self.embedding(X).permute(1, 0, 2)  # (num_steps, batch_size, embed_size)
        outputs, _ = self.rnn(X)
        state = outputs[valid_len.long() - 1, torch.arange(X.shape[1])]  # (batch_size, num_hiddens)
        return outputs, state


class Decoder(nn.Module):
    """d2l.Seq2SeqDecoder (attention=False) or d2l.Seq2SeqAttentionDecoder (True)."""

    def __init__(self, vocab_size, embed_size, num_hiddens, attention):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        if attention:
            self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens)
        self.dense = nn.Linear(num_hiddens, vocab_size)
        self.use_attention = attention

    def forward(self, X, enc_outputs, state, valid_len):
        X = self.embedding(X).permute(1, 0, 2)  # (num_steps, batch_size, embed_size)
        hidden_state = state.unsqueeze(0)  # (1, batch_size, num_hiddens)
        if not self.use_attention:
            context = state.repeat(X.shape[0], 1, 1)
            outputs, _ = self.rnn(torch.cat((X, context), 2), hidden_state)
            return self.dense(outputs).permute(1, 0, 2), None
        enc_outputs = enc_outputs.permute(1, 0, 2)  # (batch_size, num_steps, num_hiddens)
        outputs, weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)  # (batch_size, 1, num_hiddens)
            context = self.attention(query, enc_outputs, enc_outputs, valid_len)
            x = torch.cat((torch.unsqueeze(x, dim=1), context), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), torch.cat(weights, dim=1)


class EncoderDecoder(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, embed_size, num_hiddens, attention):
        super().__init__()
        self.encoder = Encoder(src_vocab, embed_size, num_hiddens)
        self.decoder = Decoder(tgt_vocab, embed_size, num_hiddens, attention)

    def forward(self, src, src_len, dec_in):
        enc_outputs, state = self.encoder(src, src_len)
        return self.decoder(dec_in, enc_outputs, state, src_len)


# ---------------------------------------------------------------------- fixtures
PAD = 2  # the padding symbol's index in both vocabularies (start 0, end 1, pad 2)


def model_fixture(attention, path):
    torch.manual_seed(0)
    vs, vt, e, h = 7, 6, 3, 4
    model = EncoderDecoder(vs, vt, e, h, attention)
    if attention:  # larger attention weights than PyTorch's init, so that the weights are far from uniform
        with torch.no_grad():
            for p in model.decoder.attention.parameters():
                p.uniform_(-1.5, 1.5)
    src = torch.tensor([[3, 4, 5, 6, 4, 1], [5, 3, 1, 2, 2, 2], [1, 2, 2, 2, 2, 2]], dtype=torch.int32)
    src_len = torch.tensor([6, 3, 1], dtype=torch.int32)
    labels = torch.tensor([[3, 4, 5, 1], [4, 1, 2, 2], [5, 3, 1, 2]], dtype=torch.int32)
    dec_in = torch.tensor([[0, 3, 4, 5], [0, 4, 1, 2], [0, 5, 3, 1]], dtype=torch.int32)
    logits, weights = model(src.long(), src_len, dec_in.long())
    loss = nn.CrossEntropyLoss(ignore_index=PAD)(logits.reshape(-1, vt), labels.reshape(-1).long())
    loss.backward()
    out = {"src": src.numpy(), "src_len": src_len.numpy(), "dec_in": dec_in.numpy(), "labels": labels.numpy(),
           "logits": logits.detach().numpy(), "loss": np.float32(loss.item())}
    if weights is not None:
        out["attention"] = weights.detach().numpy()
    for name, p in model.named_parameters():
        out["param." + name] = p.detach().numpy()
        out["grad." + name] = p.grad.numpy()
    np.savez(path, **out)


def masked_ce_fixture(path):
    torch.manual_seed(1)
    b, t, c = 5, 4, 6
    logits = torch.randn(b, t, c, requires_grad=True)
    valid = torch.tensor([4, 2, 1, 3, 4])
    labels = torch.randint(0, c, (b, t))
    mask = torch.arange(t)[None, :] < valid[:, None]
    labels[~mask] = PAD  # padding after each sequence
    flat_logits, flat_labels = logits.reshape(-1, c), labels.reshape(-1)
    mean = nn.CrossEntropyLoss(ignore_index=PAD)(flat_logits, flat_labels)
    total = nn.CrossEntropyLoss(ignore_index=PAD, reduction="sum")(flat_logits, flat_labels)
    # d2l's first-edition MaskedSoftmaxCELoss (per sample).
    unweighted = nn.CrossEntropyLoss(reduction="none")(logits.permute(0, 2, 1), labels)
    d2l = (unweighted * mask.float()).mean(dim=1)
    (grad,) = torch.autograd.grad(mean, logits)
    np.savez(path, logits=logits.detach().numpy(), labels=labels.int().numpy(), mask=mask.numpy(),
             mean=np.float32(mean.item()), sum=np.float32(total.item()), d2l=d2l.detach().numpy(),
             grad_mean=grad.numpy())


def masked_softmax_fixture(path):
    torch.manual_seed(2)
    scores = torch.randn(2, 3, 5)
    lens1 = torch.tensor([2, 4], dtype=torch.int32)
    lens2 = torch.tensor([[1, 3, 5], [2, 4, 1]], dtype=torch.int32)
    out1 = masked_softmax(scores.clone(), lens1)
    out2 = masked_softmax(scores.clone(), lens2)
    np.savez(path, scores=scores.numpy(), lens1=lens1.numpy(), lens2=lens2.numpy(), out1=out1.numpy(),
             out2=out2.numpy())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: attention_fixture.py OUTPUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    model_fixture(True, os.path.join(out, "attention.npz"))
    model_fixture(False, os.path.join(out, "plain.npz"))
    masked_ce_fixture(os.path.join(out, "masked_ce.npz"))
    masked_softmax_fixture(os.path.join(out, "masked_softmax.npz"))
    print("wrote attention.npz, plain.npz, masked_ce.npz, masked_softmax.npz to", out, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
