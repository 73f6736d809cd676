#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures that pkg/rnn's tests compare with.

Run with PyTorch 1.13 (Debian's python3-torch, /usr/bin/python3):

    /usr/bin/python3 tools/pytorch/gen_rnn_fixtures.py pkg/rnn/testdata/fixtures
    /usr/bin/python3 tools/pytorch/gen_rnn_fixtures.py --srn notebooks/data/srn-random.npz

For every case of the grid it builds the torch.nn layer with torch.manual_seed(k),
random inputs (and h0 where the case has one), and a scalar loss
    loss = sum(output * w_out) + sum(h_n * w_hn)
with fixed random w_out and w_hn, and saves into <dir>/<case>.npz:
    param.<name>  every parameter, under PyTorch's name
    x, h0, c0     the input (in the layer's own layout) and the initial states
                  (c0 for LSTM and LSTMCell, given together with h0)
    out, h_n, c_n the layer's results (h_n for RNN, LSTM and GRU, c_n for LSTM;
                  for the cells out is h', and c_n is LSTMCell's c')
    w_out, w_hn, w_cn   the loss weights
    grad.<name>, grad.x, grad.h0, grad.c0   d loss / d everything, by PyTorch's autograd
and the case's configuration into <dir>/cases.json; for an LSTM case the loss
has the extra term sum(c_n * w_cn).

It also writes <dir>/statedict_lstm_gru.npz, exactly model.state_dict() of a
small model with an nn.LSTM (2 layers, bidirectional, proj_size, batch_first),
an nn.GRU (no bias) and an nn.Linear, saved the documented way
    numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
and <dir>/statedict_lstm_gru_io.npz with an input and the model's results.

pkg/rnn's TestFixturesAreRealPyTorch runs this script again into a temporary
directory where PyTorch is installed and fails if any array differs.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)

# input_size 3, hidden 4, sequence length 5, batch 2 unless a case says otherwise.
CASES = [
    dict(name="rnn_tanh_l1_f32", kind="rnn"),
    dict(name="rnn_tanh_l1_h0_f64", kind="rnn", h0=True, dtype="float64"),
    dict(name="rnn_relu_l2_h0_f32", kind="rnn", nonlinearity="relu", num_layers=2, h0=True),
    dict(name="rnn_tanh_l3_bidir_h0_f64", kind="rnn", num_layers=3, bidirectional=True, h0=True, dtype="float64"),
    dict(name="rnn_tanh_l2_bidir_batchfirst_f32", kind="rnn", num_layers=2, bidirectional=True, batch_first=True),
    dict(name="rnn_relu_nobias_l1_f64", kind="rnn", nonlinearity="relu", bias=False, dtype="float64"),
    dict(name="rnn_tanh_unbatched_l2_h0_f32", kind="rnn", num_layers=2, unbatched=True, h0=True),
    dict(name="rnn_tanh_unbatched_bidir_f64", kind="rnn", bidirectional=True, unbatched=True, dtype="float64"),
    dict(name="rnn_tanh_nobias_bidir_l2_batchfirst_h0_f64", kind="rnn", bias=False, bidirectional=True,
         num_layers=2, batch_first=True, h0=True, dtype="float64"),
    dict(name="rnn_relu_l3_bidir_h0_f32", kind="rnn", nonlinearity="relu", num_layers=3, bidirectional=True, h0=True),
    dict(name="rnn_tanh_l1_batchfirst_h0_f32_long", kind="rnn", batch_first=True, h0=True, seq_len=12, batch=3,
         input_size=6, hidden=8),
    dict(name="cell_tanh_h0_f32", kind="cell", h0=True),
    dict(name="cell_relu_f64", kind="cell", nonlinearity="relu", dtype="float64"),
    dict(name="cell_tanh_nobias_unbatched_h0_f64", kind="cell", bias=False, unbatched=True, h0=True, dtype="float64"),
    dict(name="cell_relu_unbatched_f32", kind="cell", nonlinearity="relu", unbatched=True),
    dict(name="linear_f32", kind="linear"),
    dict(name="linear_nobias_f64", kind="linear", bias=False, dtype="float64"),
    # LSTM and GRU (appended: every case's seed is its index, so the ones above stay as they were).
    dict(name="lstm_l1_f32", kind="lstm"),
    dict(name="lstm_l1_h0_f64", kind="lstm", h0=True, dtype="float64"),
    dict(name="lstm_l2_bidir_h0_f32", kind="lstm", num_layers=2, bidirectional=True, h0=True),
    dict(name="lstm_l3_bidir_batchfirst_h0_f64", kind="lstm", num_layers=3, bidirectional=True, batch_first=True,
         h0=True, dtype="float64"),
    dict(name="lstm_nobias_l2_f64", kind="lstm", bias=False, num_layers=2, dtype="float64"),
    dict(name="lstm_unbatched_h0_f32", kind="lstm", unbatched=True, h0=True),
    dict(name="lstm_unbatched_bidir_l2_f64", kind="lstm", unbatched=True, bidirectional=True, num_layers=2,
         dtype="float64"),
    dict(name="lstm_proj_l2_bidir_h0_f64", kind="lstm", proj_size=3, hidden=5, num_layers=2, bidirectional=True,
         h0=True, dtype="float64"),
    dict(name="lstm_proj_nobias_batchfirst_f32", kind="lstm", proj_size=2, hidden=5, bias=False, batch_first=True),
    dict(name="lstm_proj_unbatched_l2_h0_f64", kind="lstm", proj_size=2, num_layers=2, unbatched=True, h0=True,
         dtype="float64"),
    dict(name="lstm_l1_batchfirst_h0_f32_long", kind="lstm", batch_first=True, h0=True, seq_len=12, batch=3,
         input_size=6, hidden=8),
    dict(name="gru_l1_f32", kind="gru"),
    dict(name="gru_l1_h0_f64", kind="gru", h0=True, dtype="float64"),
    dict(name="gru_l2_bidir_h0_f32", kind="gru", num_layers=2, bidirectional=True, h0=True),
    dict(name="gru_l3_bidir_batchfirst_h0_f64", kind="gru", num_layers=3, bidirectional=True, batch_first=True,
         h0=True, dtype="float64"),
    dict(name="gru_nobias_l2_f64", kind="gru", bias=False, num_layers=2, dtype="float64"),
    dict(name="gru_nobias_bidir_h0_f32", kind="gru", bias=False, bidirectional=True, h0=True),
    dict(name="gru_unbatched_h0_f32", kind="gru", unbatched=True, h0=True),
    dict(name="gru_unbatched_bidir_l2_f64", kind="gru", unbatched=True, bidirectional=True, num_layers=2,
         dtype="float64"),
    dict(name="gru_l1_batchfirst_f32_long", kind="gru", batch_first=True, seq_len=12, batch=3, input_size=6,
         hidden=8),
    dict(name="lstmcell_h0_f32", kind="lstmcell", h0=True),
    dict(name="lstmcell_f64", kind="lstmcell", dtype="float64"),
    dict(name="lstmcell_nobias_unbatched_h0_f64", kind="lstmcell", bias=False, unbatched=True, h0=True,
         dtype="float64"),
    dict(name="lstmcell_unbatched_f32", kind="lstmcell", unbatched=True),
    dict(name="grucell_h0_f32", kind="grucell", h0=True),
    dict(name="grucell_f64", kind="grucell", dtype="float64"),
    dict(name="grucell_nobias_unbatched_h0_f64", kind="grucell", bias=False, unbatched=True, h0=True,
         dtype="float64"),
    dict(name="grucell_nobias_f32", kind="grucell", bias=False),
]

DEFAULTS = dict(input_size=3, hidden=4, seq_len=5, batch=2, num_layers=1, nonlinearity="tanh", bias=True,
                batch_first=False, bidirectional=False, unbatched=False, h0=False, dtype="float32")
LSTM_DEFAULTS = dict(proj_size=0)  # only LSTM cases have the key, so the older cases' entries are unchanged


def build(case):
    dtype = getattr(torch, case["dtype"])
    I, H, L, N = case["input_size"], case["hidden"], case["seq_len"], case["batch"]
    kind = case["kind"]
    c_shape = None  # the LSTMs' cell state
    if kind in ("rnn", "lstm", "gru"):
        if kind == "rnn":
            layer = torch.nn.RNN(I, H, num_layers=case["num_layers"], nonlinearity=case["nonlinearity"],
                                 bias=case["bias"], batch_first=case["batch_first"],
                                 bidirectional=case["bidirectional"])
        elif kind == "lstm":
            layer = torch.nn.LSTM(I, H, num_layers=case["num_layers"], bias=case["bias"],
                                  batch_first=case["batch_first"], bidirectional=case["bidirectional"],
                                  proj_size=case["proj_size"])
        else:
            layer = torch.nn.GRU(I, H, num_layers=case["num_layers"], bias=case["bias"],
                                 batch_first=case["batch_first"], bidirectional=case["bidirectional"])
        D = 2 if case["bidirectional"] else 1
        S = D * case["num_layers"]
        P = case.get("proj_size") or H  # the output state's size
        if case["unbatched"]:
            x_shape, h_shape, c_shape = (L, I), (S, P), (S, H)
        elif case["batch_first"]:
            x_shape, h_shape, c_shape = (N, L, I), (S, N, P), (S, N, H)
        else:
            x_shape, h_shape, c_shape = (L, N, I), (S, N, P), (S, N, H)
    elif kind in ("cell", "lstmcell", "grucell"):
        if kind == "cell":
            layer = torch.nn.RNNCell(I, H, bias=case["bias"], nonlinearity=case["nonlinearity"])
        elif kind == "lstmcell":
            layer = torch.nn.LSTMCell(I, H, bias=case["bias"])
        else:
            layer = torch.nn.GRUCell(I, H, bias=case["bias"])
        x_shape, h_shape = ((I,), (H,)) if case["unbatched"] else ((N, I), (N, H))
        c_shape = h_shape
    else:  # linear: x [N, L, I] -> [N, L, H]
        layer = torch.nn.Linear(I, H, bias=case["bias"])
        x_shape, h_shape = (N, L, I), None
    if kind not in ("lstm", "lstmcell"):
        c_shape = None
    return layer.to(dtype), dtype, x_shape, h_shape, c_shape


def run_case(k, case):
    defaults = {**DEFAULTS, **(LSTM_DEFAULTS if case["kind"] == "lstm" else {})}
    case = {**defaults, **case}
    torch.manual_seed(k)
    layer, dtype, x_shape, h_shape, c_shape = build(case)
    kind = case["kind"]
    x = torch.randn(*x_shape, dtype=dtype, requires_grad=True)
    h0 = torch.randn(*h_shape, dtype=dtype, requires_grad=True) if case["h0"] else None
    c0 = torch.randn(*c_shape, dtype=dtype, requires_grad=True) if case["h0"] and c_shape else None
    c_n = None
    if kind in ("rnn", "gru"):
        out, h_n = layer(x, h0) if h0 is not None else layer(x)
    elif kind == "lstm":
        out, (h_n, c_n) = layer(x, (h0, c0)) if h0 is not None else layer(x)
    elif kind in ("cell", "grucell"):
        out, h_n = (layer(x, h0) if h0 is not None else layer(x)), None
    elif kind == "lstmcell":
        (out, c_n), h_n = (layer(x, (h0, c0)) if h0 is not None else layer(x)), None
    else:
        out, h_n = layer(x), None
    w_out = torch.randn(*out.shape, dtype=dtype)
    loss = (out * w_out).sum()
    arrays = {}
    if h_n is not None:
        w_hn = torch.randn(*h_n.shape, dtype=dtype)
        loss = loss + (h_n * w_hn).sum()
        arrays["h_n"] = h_n.detach().numpy()
        arrays["w_hn"] = w_hn.numpy()
    if c_n is not None:
        w_cn = torch.randn(*c_n.shape, dtype=dtype)
        loss = loss + (c_n * w_cn).sum()
        arrays["c_n"] = c_n.detach().numpy()
        arrays["w_cn"] = w_cn.numpy()
    params = list(layer.named_parameters())
    states = [s for s in (h0, c0) if s is not None]
    wrt = [p for _, p in params] + [x] + states
    grads = torch.autograd.grad(loss, wrt)
    for (name, p), g in zip(params, grads):
        arrays["param." + name] = p.detach().numpy()
        arrays["grad." + name] = g.numpy()
    arrays["x"] = x.detach().numpy()
    arrays["grad.x"] = grads[len(params)].numpy()
    if h0 is not None:
        arrays["h0"] = h0.detach().numpy()
        arrays["grad.h0"] = grads[len(params) + 1].numpy()
    if c0 is not None:
        arrays["c0"] = c0.detach().numpy()
        arrays["grad.c0"] = grads[len(params) + 2].numpy()
    arrays["out"] = out.detach().numpy()
    arrays["w_out"] = w_out.numpy()
    arrays["loss"] = np.array(loss.item(), dtype=np.float64)
    case["param_names"] = [n for n, _ in params]
    return case, arrays


def write_grid(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    index = []
    for k, case in enumerate(CASES):
        full, arrays = run_case(k, case)
        np.savez(os.path.join(out_dir, full["name"] + ".npz"), **arrays)
        index.append(full)
    with open(os.path.join(out_dir, "cases.json"), "w") as f:
        json.dump({"torch": torch.__version__, "numpy": np.__version__, "cases": index}, f, indent=1)
        f.write("\n")
    write_state_dict(out_dir)
    print(f"wrote {len(index)} cases and a state dict to {out_dir} (torch {torch.__version__})")


class LSTMGRUModel(torch.nn.Module):
    """A model with submodules, for the state_dict fixture: its keys are "lstm.weight_ih_l0", "gru.weight_hh_l0", ..."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2, batch_first=True)
        self.gru = torch.nn.GRU(4, 3, bias=False)
        self.fc = torch.nn.Linear(3, 2)

    def forward(self, x):  # x [N, L, 3]
        out, (h_n, c_n) = self.lstm(x)  # out [N, L, 4]
        out2, gru_h_n = self.gru(out.transpose(0, 1))  # [L, N, 3]
        return self.fc(out2), h_n, c_n, gru_h_n


def write_state_dict(out_dir):
    torch.manual_seed(1000)
    model = LSTMGRUModel()
    x = torch.randn(2, 5, 3)
    with torch.no_grad():
        y, h_n, c_n, gru_h_n = model(x)
    np.savez(os.path.join(out_dir, "statedict_lstm_gru.npz"), **{k: v.numpy() for k, v in model.state_dict().items()})
    np.savez(os.path.join(out_dir, "statedict_lstm_gru_io.npz"), x=x.numpy(), y=y.numpy(), lstm_h_n=h_n.numpy(),
             lstm_c_n=c_n.numpy(), gru_h_n=gru_h_n.numpy())


def write_srn(path):
    """Random weights for notebook 01: RNNCell(2,2), RNN(2,2) sharing them, Linear(2,2), the seed's inputs,
    and what PyTorch computes with them in the seed's parts (3) and (4)."""
    torch.manual_seed(2023)
    cell = torch.nn.RNNCell(2, 2)
    rnn = torch.nn.RNN(2, 2, num_layers=1)
    with torch.no_grad():
        for name, p in cell.named_parameters():
            getattr(rnn, name + "_l0").copy_(p)
    liner = torch.nn.Linear(2, 2)
    seq = torch.Tensor([[[1, 1]], [[1, 1]], [[2, 2]]])
    with torch.no_grad():
        hidden = torch.zeros(1, 2)
        cell_h, cell_y = [], []
        for x in seq:
            hidden = cell(x, hidden)
            cell_h.append(hidden[0].numpy().copy())
            cell_y.append(liner(hidden)[0].numpy().copy())
        out, h_n = rnn(seq, torch.zeros(1, 1, 2))
        rnn_y = liner(out)
    arrays = {"cell." + n: p.detach().numpy() for n, p in cell.named_parameters()}
    arrays.update({"liner." + n: p.detach().numpy() for n, p in liner.named_parameters()})
    arrays.update({
        "inputs": seq.numpy(),
        "cell_hidden": np.stack(cell_h), "cell_output": np.stack(cell_y),
        "rnn_out": out.numpy(), "rnn_h_n": h_n.numpy(), "rnn_output": rnn_y.numpy(),
    })
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    np.savez(path, **arrays)
    print(f"wrote {path} (torch {torch.__version__})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", nargs="?", help="directory for the grid of fixtures")
    ap.add_argument("--srn", help="write notebook 01's random-weights file to this path")
    args = ap.parse_args()
    if not args.out_dir and not args.srn:
        ap.error("give an output directory and/or --srn PATH")
    if args.out_dir:
        write_grid(args.out_dir)
    if args.srn:
        write_srn(args.srn)


if __name__ == "__main__":
    sys.exit(main())
