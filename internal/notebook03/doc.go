// Package notebook03 is notebook 03's code (notebooks/03-encoder-decoder.ipynb:
// mathor's character encoder–decoder), generated from the notebook's cells
// tagged "export": his make_data, the Seq2Seq model on pkg/rnn's layers, his
// training loop on GoMLX's trainer, his translate, and greedy decoding. The
// notebook is the one source; the tests here check that code against real
// PyTorch, and cmd/rnnbench times its training loop through TrainMathor.
package notebook03

//go:generate go run ../nbgen/nbgen -notebook ../../notebooks/03-encoder-decoder.ipynb -package notebook03 -out zz_notebook_generated.go
