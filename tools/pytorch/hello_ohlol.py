#!/usr/bin/env python3
"""Liu Er's PyTorch course, lecture 12: "hello" -> "ohlol", the three variants, as the lecture writes them.

    /usr/bin/python3 tools/pytorch/hello_ohlol.py [--seed 0] [--epochs 15] [--save-init PATH] [--quiet]
    /usr/bin/python3 tools/pytorch/hello_ohlol.py --seeds 30     # final line of every variant for seeds 0..29

It calls torch.manual_seed(seed) once, then runs the three variants in turn (each building its model from the
random state the previous one left), printing what the lecture prints.
--save-init writes each variant's initial parameters (state_dict before training, keys prefixed "v1.", "v2.",
"v3.") and the losses PyTorch then prints ("v1.losses" ...) to an .npz: notebook 02 starts our models from
these weights to show the same training run in Go. --seeds N prints the final line of every variant for seeds
0..N-1 and the number reaching "ohlol" (the reference liuer-hello-ohlol-outputs.txt); --time reports the median
wall time of the 15-epoch loop over repetitions, for the benchmarks.
"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)

idx2char = ['e', 'h', 'l', 'o']
x_data = [1, 0, 2, 2, 3]
y_data = [3, 1, 2, 3, 2]
one_hot_lookup = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


class CellModel(torch.nn.Module):  # variant 1
    def __init__(self, input_size, hidden_size, batch_size):
        super(CellModel, self).__init__()
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnncell = torch.nn.RNNCell(input_size=self.input_size, hidden_size=self.hidden_size)

    def forward(self, input, hidden):
        hidden = self.rnncell(input, hidden)
        return hidden

    def init_hidden(self):
        return torch.zeros(self.batch_size, self.hidden_size)


class RNNModel(torch.nn.Module):  # variant 2
    def __init__(self, input_size, hidden_size, batch_size, num_layers=1):
        super(RNNModel, self).__init__()
        self.num_layers = num_layers
        self.batch_size = batch_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.rnn = torch.nn.RNN(input_size=self.input_size, hidden_size=self.hidden_size, num_layers=num_layers)

    def forward(self, input):
        hidden = torch.zeros(self.num_layers, self.batch_size, self.hidden_size)
        out, _ = self.rnn(input, hidden)
        return out.view(-1, self.hidden_size)


class EmbModel(torch.nn.Module):  # variant 3
    def __init__(self, input_size=4, embedding_size=10, hidden_size=8, num_layers=2, num_class=4):
        super(EmbModel, self).__init__()
        self.num_layers, self.hidden_size, self.num_class = num_layers, hidden_size, num_class
        self.emb = torch.nn.Embedding(input_size, embedding_size)
        self.rnn = torch.nn.RNN(input_size=embedding_size, hidden_size=hidden_size, num_layers=num_layers,
                                batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, num_class)

    def forward(self, x):
        hidden = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        x = self.emb(x)  # (batch, seqLen, embeddingSize)
        x, _ = self.rnn(x, hidden)
        x = self.fc(x)
        return x.view(-1, self.num_class)


def variant1(epochs, out, init):
    inputs = torch.Tensor([one_hot_lookup[x] for x in x_data]).view(-1, 1, 4)
    labels = torch.LongTensor(y_data).view(-1, 1)
    net = CellModel(4, 4, 1)
    init.update({"v1." + k: v.detach().numpy().copy() for k, v in net.state_dict().items()})
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
    losses = []
    for epoch in range(epochs):
        loss = 0
        optimizer.zero_grad()
        hidden = net.init_hidden()
        line = 'Predicted string: '
        for input, label in zip(inputs, labels):
            hidden = net(input, hidden)
            loss += criterion(hidden, label)
            _, idx = hidden.max(dim=1)
            line += idx2char[idx.item()]
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        out.append(line + ', Epoch [%d/%d] loss=%.4f' % (epoch + 1, epochs, loss.item()))
    return losses


def train_whole(net, inputs, labels, lr, epochs, out):
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(dim=1)
        idx = idx.data.numpy()
        losses.append(loss.item())
        out.append('Predicted:  ' + ''.join([idx2char[x] for x in idx]) +
                   ', Epoch [%d/%d] loss = %.3f' % (epoch + 1, epochs, loss.item()))
    return losses


def variant2(epochs, out, init):
    inputs = torch.Tensor([one_hot_lookup[x] for x in x_data]).view(5, 1, 4)
    labels = torch.LongTensor(y_data)
    net = RNNModel(4, 4, 1, 1)
    init.update({"v2." + k: v.detach().numpy().copy() for k, v in net.state_dict().items()})
    return train_whole(net, inputs, labels, 0.05, epochs, out)


def variant3(epochs, out, init):
    inputs = torch.LongTensor([x_data])
    labels = torch.LongTensor(y_data)
    net = EmbModel()
    init.update({"v3." + k: v.detach().numpy().copy() for k, v in net.state_dict().items()})
    return train_whole(net, inputs, labels, 0.05, epochs, out)


VARIANTS = [variant1, variant2, variant3]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--seeds", type=int, default=0, help="report the final lines for seeds 0..N-1")
    ap.add_argument("--save-init", help="write initial weights and losses to this .npz (with --seeds: of every "
                                        "seed, keys prefixed \"s<seed>.\")")
    ap.add_argument("--time", type=int, default=0, help="time the 15-epoch loop of each variant N times")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    if args.time:
        times = [[], [], []]
        for rep in range(args.time):
            torch.manual_seed(args.seed)
            for k, variant in enumerate(VARIANTS):
                start = time.perf_counter()
                variant(args.epochs, [], {})
                times[k].append(time.perf_counter() - start)
        for k in range(3):
            print(f"variant{k + 1} median_seconds {statistics.median(times[k]):.6f}")
        return

    if args.seeds:
        reached = [0, 0, 0]
        arrays = {}
        for seed in range(args.seeds):
            torch.manual_seed(seed)
            init = {}
            for k, variant in enumerate(VARIANTS):
                out = []
                losses = variant(args.epochs, out, init)
                arrays["s%d.losses.v%d" % (seed, k + 1)] = np.array(losses, dtype=np.float64)
                print(out[-1])
                reached[k] += out[-1].split(',')[0].endswith('ohlol')
            arrays.update({"s%d.%s" % (seed, key): value for key, value in init.items()})
        print("reached ohlol at epoch %d: %s (of %d seeds)" % (args.epochs, reached, args.seeds))
        if args.save_init:
            np.savez_compressed(args.save_init, **arrays)
            print("wrote", args.save_init)
        return

    init, losses = {}, {}
    torch.manual_seed(args.seed)
    for k, variant in enumerate(VARIANTS):
        out = []
        losses["v%d.losses" % (k + 1)] = np.array(variant(args.epochs, out, init), dtype=np.float64)
        if not args.quiet:
            print("## variant %d" % (k + 1))
            print("\n".join(out))
    if args.save_init:
        np.savez(args.save_init, **init, **losses)
        print("wrote", args.save_init)


if __name__ == "__main__":
    sys.exit(main())
