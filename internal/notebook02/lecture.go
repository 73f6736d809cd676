package notebook02

import (
	"io"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// TrainLecture trains the lecture's variant v (1, 2 or 3) as notebook 02
// does, from GoMLX's random seed 0, for epochs epochs (the lecture's 15),
// printing nothing, and returns every epoch's loss. With autodiff, GoMLX
// differentiates the layers' operations instead of using pkg/rnn's
// hand-derived gradients (rnn.ParamCustomGradient false): the same numbers,
// more slowly. Its time includes compiling the training graph, as a
// notebook cell pays it.
func TrainLecture(v int, autodiff bool, epochs int) []float64 {
	ctx := seeded(0)
	if autodiff {
		ctx.SetParam(rnn.ParamCustomGradient, false)
	}
	losses, _ := variant(v, ctx, nil, epochs, io.Discard)
	return losses
}
