#!/usr/bin/env python3
"""mathor's "Seq2Seq的PyTorch实现" (character encoder-decoder), as the original writes it.

    /usr/bin/python3 tools/pytorch/mathor_seq2seq.py [--seed 0] [--epochs 5000] [--save-init PATH] [--time N] [--device cpu|cuda]

torch.manual_seed(seed), one CPU thread; the original's dropout=0.5 is left out (with one layer it does nothing,
and PyTorch warns). Prints what the original prints ("Epoch: 1000 cost = ..." for each batch every 1000 epochs,
then the translations), plus the wall time of the training loop ("train seconds").

--save-init writes the initial state_dict (keys as model.state_dict() names them: encoder.weight_ih_l0, ...),
the order in which the DataLoader visited the six pairs in every epoch ("orders", [epochs, 6]) and every batch's
loss ("losses") to an .npz: notebook 03 and the tests replay this exact run in Go.
--time N runs the training N times and prints the median wall time (for the benchmarks).
--device cuda trains on the GPU (the model built on the CPU from the same seed, then moved; the timed loop ends
with torch.cuda.synchronize()).
"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.utils.data as Data

torch.set_num_threads(1)

letter = [c for c in 'SE?abcdefghijklmnopqrstuvwxyz']
letter2idx = {n: i for i, n in enumerate(letter)}

seq_data = [['man', 'women'], ['black', 'white'], ['king', 'queen'], ['girl', 'boy'], ['up', 'down'], ['high', 'low']]

# Seq2Seq Parameter
n_step = max([max(len(i), len(j)) for i, j in seq_data])  # max_len(=5)
n_hidden = 128
n_class = len(letter2idx)  # classfication problem
batch_size = 3


def make_data(seq_data):
    enc_input_all, dec_input_all, dec_output_all = [], [], []

    for seq in seq_data:
        for i in range(2):
            seq[i] = seq[i] + '?' * (n_step - len(seq[i]))  # 'man??', 'women'

        enc_input = [letter2idx[n] for n in (seq[0] + 'E')]  # ['m', 'a', 'n', '?', '?', 'E']
        dec_input = [letter2idx[n] for n in ('S' + seq[1])]  # ['S', 'w', 'o', 'm', 'e', 'n']
        dec_output = [letter2idx[n] for n in (seq[1] + 'E')]  # ['w', 'o', 'm', 'e', 'n', 'E']

        enc_input_all.append(np.eye(n_class)[enc_input])
        dec_input_all.append(np.eye(n_class)[dec_input])
        dec_output_all.append(dec_output)  # not one-hot

    # make tensor
    return torch.Tensor(np.array(enc_input_all)), torch.Tensor(np.array(dec_input_all)), torch.LongTensor(dec_output_all)


class TranslateDataSet(Data.Dataset):
    def __init__(self, enc_input_all, dec_input_all, dec_output_all):
        self.enc_input_all = enc_input_all
        self.dec_input_all = dec_input_all
        self.dec_output_all = dec_output_all

    def __len__(self):  # return dataset size
        return len(self.enc_input_all)

    def __getitem__(self, idx):
        return self.enc_input_all[idx], self.dec_input_all[idx], self.dec_output_all[idx]


class RecordingDataSet(TranslateDataSet):
    """Records the order in which the DataLoader asks for the pairs (it does not change the random stream)."""
    order = []

    def __getitem__(self, idx):
        self.order.append(int(idx))
        return super().__getitem__(idx)


class Seq2Seq(nn.Module):
    def __init__(self):
        super(Seq2Seq, self).__init__()
        self.encoder = nn.RNN(input_size=n_class, hidden_size=n_hidden)  # encoder
        self.decoder = nn.RNN(input_size=n_class, hidden_size=n_hidden)  # decoder
        self.fc = nn.Linear(n_hidden, n_class)

    def forward(self, enc_input, enc_hidden, dec_input):
        # enc_input(=input_batch): [batch_size, n_step+1, n_class]
        # dec_inpu(=output_batch): [batch_size, n_step+1, n_class]
        enc_input = enc_input.transpose(0, 1)  # enc_input: [n_step+1, batch_size, n_class]
        dec_input = dec_input.transpose(0, 1)  # dec_input: [n_step+1, batch_size, n_class]

        # h_t : [num_layers(=1) * num_directions(=1), batch_size, n_hidden]
        _, h_t = self.encoder(enc_input, enc_hidden)
        # outputs : [n_step+1, batch_size, num_directions(=1) * n_hidden(=128)]
        outputs, _ = self.decoder(dec_input, h_t)

        model = self.fc(outputs)  # model : [n_step+1, batch_size, n_class]
        return model


def train(seed, epochs, quiet=False, record=None, device="cpu"):
    torch.manual_seed(seed)
    device = torch.device(device)
    enc_input_all, dec_input_all, dec_output_all = make_data([list(p) for p in seq_data])
    dataset_class = RecordingDataSet if record is not None else TranslateDataSet
    RecordingDataSet.order = []
    loader = Data.DataLoader(dataset_class(enc_input_all, dec_input_all, dec_output_all), batch_size, True)
    model = Seq2Seq()
    if record is not None:
        record["init"] = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
        record["losses"] = []
    if device.type != "cpu":
        model.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)

    start = time.perf_counter()
    for epoch in range(epochs):
        for enc_input_batch, dec_input_batch, dec_output_batch in loader:
            # make hidden shape [num_layers * num_directions, batch_size, n_hidden]
            h_0 = torch.zeros(1, batch_size, n_hidden)
            # enc_input_batch : [batch_size, n_step+1, n_class]
            # dec_intput_batch : [batch_size, n_step+1, n_class]
            # dec_output_batch : [batch_size, n_step+1], not one-hot
            if device.type != "cpu":
                h_0, enc_input_batch, dec_input_batch, dec_output_batch = (
                    t.to(device) for t in (h_0, enc_input_batch, dec_input_batch, dec_output_batch))
            pred = model(enc_input_batch, h_0, dec_input_batch)
            # pred : [n_step+1, batch_size, n_class]
            pred = pred.transpose(0, 1)  # [batch_size, n_step+1(=6), n_class]
            loss = 0
            for i in range(len(dec_output_batch)):
                # pred[i] : [n_step+1, n_class]
                # dec_output_batch[i] : [n_step+1]
                loss += criterion(pred[i], dec_output_batch[i])
            if record is not None:
                record["losses"].append(loss.item())
            if (epoch + 1) % 1000 == 0 and not quiet:
                print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.6f}'.format(loss))

            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    if record is not None:
        record["orders"] = np.array(RecordingDataSet.order, dtype=np.int32).reshape(epochs, len(seq_data))
    return model, seconds


def translate(model, word, device="cpu"):
    enc_input, dec_input, _ = make_data([[word, '?' * n_step]])
    # make hidden shape [num_layers * num_directions, batch_size, n_hidden]
    hidden = torch.zeros(1, 1, n_hidden).to(device)
    output = model(enc_input.to(device), hidden, dec_input.to(device)).cpu()
    # output : [n_step+1, batch_size, n_class]

    predict = output.data.max(2, keepdim=True)[1]  # select n_class dimension
    decoded = [letter[i] for i in predict]
    translated = ''.join(decoded[:decoded.index('E')])

    return translated.replace('?', '')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=5000)
    ap.add_argument("--save-init", help="write initial weights, epoch orders and losses to this .npz")
    ap.add_argument("--time", type=int, default=0, help="time the training N times, print the median")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where to train (default: the CPU)")
    args = ap.parse_args()

    if args.time:
        times = [train(args.seed, args.epochs, quiet=True, device=args.device)[1] for _ in range(args.time)]
        print("mathor median_seconds %.6f" % statistics.median(times))
        return

    record = {} if args.save_init else None
    model, seconds = train(args.seed, args.epochs, record=record, device=args.device)
    print('train seconds %.2f' % seconds)
    print('test')
    with torch.no_grad():
        for word in ['man', 'mans', 'king', 'black', 'up']:
            print(word, '->', translate(model, word, args.device))
    if record is not None:
        np.savez_compressed(args.save_init, orders=record["orders"],
                            losses=np.array(record["losses"], dtype=np.float64), **record["init"])
        print("wrote", args.save_init)


if __name__ == "__main__":
    sys.exit(main())
