//go:build xla

package backend

// With the build tag "xla", GoMLX's XLA/PJRT backend is linked in and can be
// selected with GOMLX_BACKEND (for instance "xla:cuda" on a GPU machine,
// after installing PJRT with GoMLX's installer).
import _ "github.com/gomlx/gomlx/backends/xla"
