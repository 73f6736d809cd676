package nb

import (
	"fmt"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/ui/commandline"
	"github.com/janpfeifer/gonb/gonbui"
)

// ProgressBar attaches a progress bar to a training loop. In a notebook it
// is an HTML bar in a transient output block, updated twice a second and
// erased when training ends, so it does not interleave with what the cell
// prints (GoMLX's terminal progress bar rewrites its line with carriage
// returns, which in a notebook mixes with the cell's own lines). Outside a
// notebook it is GoMLX's commandline.AttachProgressBar.
func ProgressBar(loop *train.Loop) {
	if !gonbui.IsNotebook {
		commandline.AttachProgressBar(loop)
		return
	}
	id := "progress_" + gonbui.UniqueID()
	var start, last time.Time
	loop.OnStart("nb.ProgressBar", 0, func(*train.Loop, train.Dataset) error {
		start = time.Now()
		return nil
	})
	loop.OnStep("nb.ProgressBar", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		if time.Since(last) < 500*time.Millisecond {
			return nil
		}
		last = time.Now()
		done, total := loop.LoopStep+1-loop.StartStep, loop.EndStep-loop.StartStep
		loss := ""
		if len(metrics) > 0 {
			loss = fmt.Sprintf(" · batch loss %.6f", tensors.ToScalar[float32](metrics[0]))
		}
		bar := ""
		if total > 0 {
			bar = fmt.Sprintf(`<progress value="%d" max="%d" style="width:320px"></progress> `, done, total)
			loss = fmt.Sprintf(" of %d%s", total, loss)
		}
		gonbui.UpdateHTML(id, fmt.Sprintf(`<div style="font-family:monospace">%sstep %d%s · %.2f ms a step</div>`,
			bar, done, loss, float64(time.Since(start).Microseconds())/1000/float64(max(done, 1))))
		return nil
	})
	loop.OnEnd("nb.ProgressBar", 0, func(*train.Loop, []*tensors.Tensor) error {
		gonbui.UpdateHTML(id, "")
		Flush()
		return nil
	})
}
