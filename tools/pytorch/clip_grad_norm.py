#!/usr/bin/env python3
"""Writes what torch.nn.utils.clip_grad_norm_ does, for pkg/rnn's ClipGradNorm test.

    /usr/bin/python3 tools/pytorch/clip_grad_norm.py pkg/rnn/testdata/clip_grad_norm.npz

Three parameters of different shapes get random gradients (float32, torch.manual_seed(0)); for each
max_norm of MAX_NORMS the file holds the gradients after clip_grad_norm_(params, max_norm) and the
total norm it returned:
    grad.<k>                  the gradients before clipping (k = 0, 1, 2)
    max_norms                 [len(MAX_NORMS)]
    clipped.<m>.<k>           gradient k after clipping with max_norms[m]
    total_norm                [len(MAX_NORMS)] what clip_grad_norm_ returned (the norm before clipping)
pkg/rnn's TestClipGradNormIsRealPyTorch reruns this and compares.
"""
import sys

import numpy as np
import torch

MAX_NORMS = [0.5, 3.0, 1e3, float("inf")]


def main(path):
    torch.manual_seed(0)
    shapes = [(4, 3), (4,), (2, 2, 5)]
    grads = [torch.randn(*s) for s in shapes]
    arrays = {"max_norms": np.array(MAX_NORMS, dtype=np.float64)}
    for k, g in enumerate(grads):
        arrays[f"grad.{k}"] = g.numpy().copy()
    totals = []
    for m, max_norm in enumerate(MAX_NORMS):
        params = [torch.nn.Parameter(torch.zeros(*s)) for s in shapes]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        totals.append(float(torch.nn.utils.clip_grad_norm_(params, max_norm)))
        for k, p in enumerate(params):
            arrays[f"clipped.{m}.{k}"] = p.grad.numpy().copy()
    arrays["total_norm"] = np.array(totals, dtype=np.float64)
    np.savez(path, **arrays)
    print(f"wrote {path} (torch {torch.__version__}): total norm {totals[0]:.6f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
