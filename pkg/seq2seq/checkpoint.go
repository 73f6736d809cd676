package seq2seq

import (
	"fmt"
	"os"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
)

// SaveCheckpoint writes every variable of ctx (parameters, optimiser state,
// step counter) to dir with GoMLX's checkpoints package, keeping only the
// newest checkpoint there. GoNB runs each notebook cell as a new process:
// a later cell gets a trained model back with LoadCheckpoint instead of
// training again.
func SaveCheckpoint(ctx *context.Context, dir string) error {
	h, err := checkpoints.Build(ctx).Dir(dir).Keep(1).Done()
	if err != nil {
		return fmt.Errorf("seq2seq: saving checkpoint %q: %w", dir, err)
	}
	if err := h.Save(); err != nil {
		return fmt.Errorf("seq2seq: saving checkpoint %q: %w", dir, err)
	}
	return nil
}

// LoadCheckpoint returns a new context holding the variables saved in dir by
// SaveCheckpoint (loaded when the model's layers ask for them). A missing or
// empty directory is an error that says so and what makes one (in a
// notebook, the training cell that calls SaveCheckpoint).
func LoadCheckpoint(dir string) (*context.Context, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("seq2seq: no checkpoint directory %q: SaveCheckpoint writes one (in a notebook, run the cell that trains and saves the model first)", dir)
	}
	ctx := context.New()
	h, err := checkpoints.Load(ctx).Dir(dir).Done()
	if err != nil {
		return nil, fmt.Errorf("seq2seq: loading checkpoint %q: %w", dir, err)
	}
	if ok, err := h.HasCheckpoints(); err != nil || !ok {
		return nil, fmt.Errorf("seq2seq: the directory %q holds no checkpoint: SaveCheckpoint writes one (in a notebook, run the cell that trains and saves the model first)", dir)
	}
	return ctx, nil
}
