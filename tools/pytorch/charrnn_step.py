#!/usr/bin/env python3
"""One training step of a character RNN, the benchmark's third workload:
Embedding(V=64, E=32) -> RNN(32, 128, batch_first) -> Linear(128, 64), mean cross-entropy over every step,
Adam lr 1e-3, on a random batch of B=32 sequences of T=32 characters. One CPU thread.

    /usr/bin/python3 tools/pytorch/charrnn_step.py [--steps 30] [--warmup 5]

Prints the median wall time of one step (forward, backward, optimizer step) in seconds.
"""
import argparse
import statistics
import time

import torch

torch.set_num_threads(1)
B, T, E, H, V = 32, 32, 32, 128, 64


class CharRNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E)
        self.rnn = torch.nn.RNN(E, H, batch_first=True)
        self.fc = torch.nn.Linear(H, V)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.fc(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    torch.manual_seed(0)
    model = CharRNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B, T))

    def step():
        optimizer.zero_grad()
        loss = criterion(model(x).reshape(-1, V), y.reshape(-1))
        loss.backward()
        optimizer.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print("charrnn median_seconds %.6f" % statistics.median(times))


if __name__ == "__main__":
    main()
