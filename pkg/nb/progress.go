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
// is an HTML bar in an output block of its own, updated twice a second, so
// it does not interleave with what the cell prints (GoMLX's terminal
// progress bar rewrites its line with carriage returns, which in a notebook
// mixes with the cell's own lines). It appears once training has run for
// half a second, and when training ends it stays as the full bar ("10000
// of 10000 steps · 完成 done"), so no empty output is left behind (the
// cell prints its own timing). Outside a notebook it is GoMLX's
// commandline.AttachProgressBar.
func ProgressBar(loop *train.Loop) {
	if !gonbui.IsNotebook {
		commandline.AttachProgressBar(loop)
		return
	}
	id := "progress_" + gonbui.UniqueID()
	var start, last time.Time
	steps, shown := 0, false
	loop.OnStart("nb.ProgressBar", 0, func(*train.Loop, train.Dataset) error {
		start, last = time.Now(), time.Now()
		return nil
	})
	loop.OnStep("nb.ProgressBar", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		steps++
		if time.Since(last) < 500*time.Millisecond {
			return nil
		}
		last = time.Now()
		done, total := steps, loop.EndStep-loop.StartStep
		loss := ""
		if len(metrics) > 0 {
			loss = fmt.Sprintf(" · batch loss %.6f", tensors.ToScalar[float32](metrics[0]))
		}
		bar := ""
		if total > 0 {
			bar = fmt.Sprintf(`<progress value="%d" max="%d" style="width:320px"></progress> `, done, total)
			loss = fmt.Sprintf(" of %d%s", total, loss)
		}
		if !shown {
			waitStdout() // the bar's block goes after what the cell printed before training
			shown = true
		}
		gonbui.UpdateHTML(id, fmt.Sprintf(`<div style="font-family:monospace">%sstep %d%s · %.2f ms a step</div>`,
			bar, done, loss, msPerStep(time.Since(start), done)))
		return nil
	})
	loop.OnEnd("nb.ProgressBar", 0, func(*train.Loop, []*tensors.Tensor) error {
		if shown {
			gonbui.UpdateHTML(id, fmt.Sprintf(`<div style="font-family:monospace"><progress value="%d" max="%d" style="width:320px"></progress> %d of %d steps · 完成 done</div>`,
				steps, steps, steps, steps))
			Flush()
		}
		return nil
	})
}

// msPerStep is the mean time of a step in milliseconds.
func msPerStep(d time.Duration, steps int) float64 {
	return float64(d.Microseconds()) / 1000 / float64(max(steps, 1))
}
