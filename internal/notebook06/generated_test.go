package notebook06

import (
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbgen"
)

// TestGenerated fails when zz_notebook_generated.go no longer holds what the
// notebook's exported cells say.
func TestGenerated(t *testing.T) {
	nbgen.CheckUpToDate(t, "../../notebooks/06-attention.ipynb", "notebook06", "zz_notebook_generated.go")
}
