// Package notebook06 is notebooks/06-attention.ipynb's model code — the
// masks and the masked loss, additive attention, the GRU encoder, the plain
// and the attention decoder, and the EncoderDecoder that joins them —
// generated from the notebook's cells tagged "export" (internal/nbgen), so
// that the tests compare the notebook's own code with PyTorch, never a copy.
// Edit the notebook, then run go generate here.
package notebook06

//go:generate go run ../nbgen/nbgen -notebook ../../notebooks/06-attention.ipynb -package notebook06 -out zz_notebook_generated.go
