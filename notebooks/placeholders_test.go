package notebooks

import (
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

func init() {
	for _, name := range []string{"04-written-answers"} {
		checks[name] = func(t *testing.T, nb *nbrun.Notebook) { wantText(t, nb, "GoMLX backend: SimpleGo (go)") }
	}
}
