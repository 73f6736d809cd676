package notebook02

import (
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbgen"
)

func TestGenerated(t *testing.T) {
	nbgen.CheckUpToDate(t, "../../notebooks/02-hello-ohlol.ipynb", "notebook02", "zz_notebook_generated.go")
}
