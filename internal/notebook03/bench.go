package notebook03

import (
	"io"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// TrainMathor runs the notebook's training loop for epochs on mathor's six
// pairs, from GoMLX's random initial weights (seed 0) as the notebook's
// training cell does, and returns its wall time, graph compilation included.
// With autodiff, GoMLX differentiates the layers' operations itself instead
// of using pkg/rnn's hand-derived gradients (rnn.ParamCustomGradient): the
// same numbers, slower. cmd/rnnbench's mathor workload calls it.
func TrainMathor(epochs int, autodiff bool) (time.Duration, error) {
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, int64(seed))
	ctx.SetParam(rnn.ParamCustomGradient, !autodiff)
	if _, err := newSeq2Seq(ctx); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := trainSeq2Seq(io.Discard, ctx, seqData, epochs, nil); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
