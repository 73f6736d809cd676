#!/usr/bin/env python3
"""One training step of a character RNN, the benchmark's third workload:
Embedding(V=64, E=32) -> RNN(32, 128, batch_first) -> Linear(128, 64), mean cross-entropy over every step,
Adam lr 1e-3, on a random batch of B=32 sequences of T=32 characters. One intra-op thread (the BLAS
keeps its own threads: tools/pytorch/blas_info.py says how many). With --cell lstm or gru the
recurrent layer is nn.LSTM / nn.GRU of the same sizes. With --device cuda the model and the batch live
on the GPU and every timed step ends with torch.cuda.synchronize().

    /usr/bin/python3 tools/pytorch/charrnn_step.py [--cell rnn|lstm|gru] [--steps 30] [--warmup 5] [--device cpu|cuda]

Prints the median wall time of one step (forward, backward, optimizer step) in seconds, as
"charrnn", "charlstm" or "chargru".
"""
import argparse
import statistics
import time

import torch

torch.set_num_threads(1)
B, T, E, H, V = 32, 32, 32, 128, 64


class CharRNN(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E)
        layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = layer(E, H, batch_first=True)
        self.fc = torch.nn.Linear(H, V)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.fc(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="rnn")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = ap.parse_args()
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = CharRNN(args.cell).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    x = torch.randint(0, V, (B, T)).to(device)
    y = torch.randint(0, V, (B, T)).to(device)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x).reshape(-1, V), y.reshape(-1))
        loss.backward()
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()  # the step's kernels have run, as a Go step's have

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print("char%s median_seconds %.6f" % (args.cell, statistics.median(times)))


if __name__ == "__main__":
    main()
