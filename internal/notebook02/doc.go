// Package notebook02 is the code of notebook 02 (notebooks/02-hello-ohlol.ipynb):
// lecture 12's three models for "hello" → "ohlol" (cellModel, rnnModel,
// embModel), their training loops (train1, trainWhole) and the lecture's
// data, generated from the notebook's cells tagged "export" — the notebook is
// their one source. Its tests check them against PyTorch's recorded runs;
// TrainLecture serves cmd/rnnbench.
package notebook02

//go:generate go run ../nbgen/nbgen -notebook ../../notebooks/02-hello-ohlol.ipynb -package notebook02 -out zz_notebook_generated.go
