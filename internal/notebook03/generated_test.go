package notebook03

import (
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbgen"
)

func TestGenerated(t *testing.T) {
	nbgen.CheckUpToDate(t, "../../notebooks/03-encoder-decoder.ipynb", "notebook03", "zz_notebook_generated.go")
}
