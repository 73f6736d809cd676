#!/usr/bin/env python3
"""Writes PyTorch's gradients of section 1's SRN, for pkg/theory's BPTT-by-hand test and notebook 05.

    /usr/bin/python3 tools/pytorch/bptt_fixture.py pkg/theory/testdata/bptt.npz

The SRN is notebook 01's, with its random weights: torch.manual_seed(2023), then RNNCell(2, 2), RNN(2, 2) and
Linear(2, 2) created in that order (tools/pytorch/gen_rnn_fixtures.py --srn; the RNN only keeps the random
stream in step), the cell and the Linear layer converted to float64. It runs over L = 8 inputs (the seed's
three, [1,1], [1,1], [2,2], then five drawn from N(0, 1)) from a random h0, and the loss is the squared error
    loss = sum_t 1/2 * ||y_t - d_t||^2,   y_t = liner(h_t),   h_t = cell(x_t, h_{t-1})
against random targets d_t (torch.manual_seed(5) for x, h0 and d). Everything is float64. The file holds
    weight_ih, weight_hh, bias_ih, bias_hh   the cell's parameters (W, U, b_W, b_U of rnn.SRN)
    linear.weight, linear.bias               the Linear layer's (V, b_V)
    x [L, 2], h0 [2], targets [L, 2]         the data
    h [L, 2], y [L, 2], loss []              the forward pass
    grad.<name>, grad.x, grad.h0             d loss / d everything, by autograd
    jacobian [L, 2, 2]                       d h_t / d h0 for t = 1..L, torch.autograd.functional.jacobian
    jacobian_norm [L]                        their spectral norms, torch.linalg.matrix_norm(ord=2)
pkg/theory's TestBPTTFixtureIsRealPyTorch reruns this and compares.
"""
import os
import sys

import numpy as np
import torch

L = 8


def main(path):
    torch.manual_seed(2023)
    cell = torch.nn.RNNCell(2, 2)
    torch.nn.RNN(2, 2, num_layers=1)  # drawn as gen_rnn_fixtures.py --srn does, so the Linear layer matches
    liner = torch.nn.Linear(2, 2)
    cell, liner = cell.double(), liner.double()

    torch.manual_seed(5)
    seed_inputs = torch.tensor([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]], dtype=torch.float64)
    x = torch.cat([seed_inputs, torch.randn(L - 3, 2, dtype=torch.float64)]).requires_grad_()
    h0 = torch.randn(2, dtype=torch.float64).requires_grad_()
    targets = torch.randn(L, 2, dtype=torch.float64)

    def run(h0):
        h, hs, ys = h0.unsqueeze(0), [], []
        for t in range(L):
            h = cell(x[t].unsqueeze(0), h)
            hs.append(h[0])
            ys.append(liner(h)[0])
        return torch.stack(hs), torch.stack(ys)

    hs, ys = run(h0)
    loss = 0.5 * ((ys - targets) ** 2).sum()
    loss.backward()

    def all_states(h0):
        return run(h0)[0]

    jac = torch.autograd.functional.jacobian(all_states, h0.detach())  # [L, 2, 2]: d h_t[i] / d h0[j]
    arrays = {n: p.detach().numpy() for n, p in cell.named_parameters()}
    arrays.update({"linear." + n: p.detach().numpy() for n, p in liner.named_parameters()})
    arrays.update({
        "x": x.detach().numpy(), "h0": h0.detach().numpy(), "targets": targets.numpy(),
        "h": hs.detach().numpy(), "y": ys.detach().numpy(), "loss": np.array(loss.item()),
        "grad.x": x.grad.numpy(), "grad.h0": h0.grad.numpy(),
        "jacobian": jac.numpy(), "jacobian_norm": torch.linalg.matrix_norm(jac, ord=2).numpy(),
    })
    arrays.update({"grad." + n: p.grad.numpy() for n, p in cell.named_parameters()})
    arrays.update({"grad.linear." + n: p.grad.numpy() for n, p in liner.named_parameters()})
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    np.savez(path, **arrays)
    print(f"wrote {path} (torch {torch.__version__}): loss {loss.item():.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
