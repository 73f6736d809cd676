// Package notebook05 is what notebooks/05-theory.ipynb teaches, as Go
// declarations generated from its cells tagged "export": BPTT by hand
// (bptt, squaredError, tanhPrime), the same gradients through pkg/rnn and
// GoMLX's graph.Gradient (libraryGradients), the Jacobian chain ∂h_t/∂h_0
// (jacobians), the gradient-flow experiment (flow), the digit-sum
// classifier and its training (classifier, newClassifier, chrono, fit,
// accuracy, trainAndTest, memory) and the clipping run (clipRun).
//
// The notebook is the one source of this code: edit its cells, then run
// go generate here. The tests of this package check it against PyTorch
// (pkg/theory's fixture), finite differences and GoMLX's autodiff.
package notebook05

//go:generate go run ../nbgen/nbgen -notebook ../../notebooks/05-theory.ipynb -package notebook05 -out zz_notebook_generated.go
