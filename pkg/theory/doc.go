// Package theory is what notebook 05 (this week's theory, measured: BPTT,
// vanishing and exploding gradients, gated memory, gradient clipping)
// imports besides pkg/rnn's layers — its data, its PyTorch reference
// numbers, a little linear algebra and its results file:
//
//   - The digit-sum task of the practice book (《神经网络与深度学习：案例与实践》
//     §6.1, digits.go): DigitSum generates it, DigitTensors encodes a batch,
//     Batches is a shuffling train.Dataset of it (DataLoader's counterpart);
//     ChanceAccuracy and MajorityAccuracy are its baselines.
//   - PyTorch's autograd on section 1's SRN (fixture.go): LoadPyTorchBPTT
//     reads testdata/bptt.npz (written by tools/pytorch/bptt_fixture.py,
//     embedded), its gradients as Gradients.
//   - Linear algebra in plain Go float64 on [][]float64 (linalg.go):
//     NumPy-like helpers (Zeros, Eye, MatMul, MatTVec, AddOuter, Scale,
//     Flatten, Reshape), the spectral norm and the spectral radius
//     (SpectralNorm, SpectralRadius), random matrices (RandomNormal,
//     RandomRecurrent with a chosen spectral radius).
//   - The notebook's key results (results.go): Results, saved as JSON by
//     each section (UpdateResults) and read back (LoadResults) by the
//     notebook's later cells and by notebook 04.
//
// What the notebook teaches — BPTT by hand, the Jacobian chain, the
// classifiers, their training loop and the clipping run — is written in its
// cells; internal/notebook05 is generated from them for the tests.
package theory
