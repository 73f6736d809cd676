package nb

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SaveJSON writes v as JSON to path (creating its directory), for a later
// cell of the notebook. GoNB runs every cell as a new process, so values do
// not carry over: a cell that needs what an earlier cell computed (losses,
// printed lines) reads it back with LoadJSON instead of computing it again.
// Trained models go to checkpoints (seq2seq.SaveCheckpoint) the same way.
func SaveJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("nb.SaveJSON %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("nb.SaveJSON: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("nb.SaveJSON: %w", err)
	}
	return nil
}

// LoadJSON reads into v what SaveJSON wrote to path. A missing file is an
// error that says to run the cell that saves it first.
func LoadJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("nb.LoadJSON: no %s yet: run the cell that saves it first", path)
	}
	if err != nil {
		return fmt.Errorf("nb.LoadJSON: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("nb.LoadJSON %s: %w", path, err)
	}
	return nil
}
