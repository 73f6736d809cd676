package notebook05

import (
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbgen"
)

// TestGenerated fails when zz_notebook_generated.go is not what the
// notebook's exported cells make now.
func TestGenerated(t *testing.T) {
	nbgen.CheckUpToDate(t, "../../notebooks/05-theory.ipynb", "notebook05", "zz_notebook_generated.go")
}
