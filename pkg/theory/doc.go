// Package theory holds the experiments of notebook 05, which demonstrates
// the week's theory (NNDL chapter 6) with numbers computed live:
//
//   - BPTT by hand (bptt.go): the δ recursion for rnn.SRN in plain Go
//     float64 (BPTT), the chain of Jacobians ∂h_t/∂h_0 (Jacobians,
//     JacobianNorms), checked against pkg/rnn's gradients (LibraryGradients)
//     and PyTorch's autograd (LoadPyTorchBPTT: testdata/bptt.npz, written by
//     tools/pytorch/bptt_fixture.py and embedded).
//   - Exploding and vanishing gradients (flow.go, linalg.go): ‖∂h_T/∂h_0‖₂
//     for recurrent matrices of a chosen spectral radius, with tanh and
//     without activation (Flow); the spectral norm and radius (SpectralNorm,
//     SpectralRadius, RandomRecurrent).
//   - Memory capacity (digits.go, classifier.go, memory.go): the practice
//     book's digit-sum task (DigitSum), an Embedding → RNN | LSTM | GRU →
//     Linear classifier that is a seq2seq.Model trained with seq2seq.Train
//     (Classifier, Accuracy), and the experiment over K and the three kinds
//     (Memory).
//   - Gradient clipping (steps.go, clipping.go): a thin training loop with
//     plain SGD and rnn.WithClipGradNorm recording every step's loss and
//     gradient norm (TrainSteps), and the diverging run with and without
//     clipping (Clipping).
//   - The notebook's key results, saved as JSON for its summary and for
//     notebook 04 (results.go: Results, UpdateResults, LoadResults).
//
// Functions return errors that say what was expected and what was got; the
// numbers are float64 throughout the from-scratch code.
package theory
