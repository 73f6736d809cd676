package theory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ResultsFile is where notebook 05 keeps its key results, relative to the
// notebooks directory; notebook 04's section 6 cites them from there.
const ResultsFile = "data/05-theory-results.json"

// Results are notebook 05's key results, every number computed by its
// cells: each section's cell fills its part (UpdateResults), the summary
// cell and notebook 04 read them (LoadResults). Saved as indented JSON,
// without timings, so that rerunning the notebook on the same machine
// rewrites the same file.
type Results struct {
	// Full is true when the cells ran the larger run (RNNGO_FULL=1).
	Full bool `json:"full"`
	// BPTT is section 1, Flow section 2, Memory section 3, Clipping
	// section 4; nil (or empty) until their cells ran.
	BPTT     *BPTTResult    `json:"bptt,omitempty"`
	Flow     []FlowCurve    `json:"flow,omitempty"`
	Memory   *MemorySummary `json:"memory,omitempty"`
	Clipping *ClipSummary   `json:"clipping,omitempty"`
}

// BPTTResult is section 1: BPTT by hand against pkg/rnn and PyTorch.
type BPTTResult struct {
	// Steps is the sequence length L, Loss the squared-error loss.
	Steps int     `json:"steps"`
	Loss  float64 `json:"loss"`
	// MaxDiffLibrary and MaxDiffPyTorch are the largest absolute
	// differences of any gradient by hand from pkg/rnn's and from PyTorch's.
	MaxDiffLibrary float64 `json:"max_diff_library"`
	MaxDiffPyTorch float64 `json:"max_diff_pytorch"`
	// JacobianNorms are ‖∂h_t/∂h_0‖₂ for t = 1…L.
	JacobianNorms []float64 `json:"jacobian_norms"`
}

// MemorySummary is section 3: the settings and the accuracies.
type MemorySummary struct {
	Config MemoryConfig  `json:"config"`
	Result *MemoryResult `json:"result"`
	// Chance is 1/19, Majority the accuracy of always answering 9.
	Chance   float64 `json:"chance"`
	Majority float64 `json:"majority"`
}

// ClipSummary is section 4: the same SGD run without and with
// clip_grad_norm_.
type ClipSummary struct {
	Config ClipConfig `json:"config"`
	// DivergedAt is the step whose loss was NaN or infinite without
	// clipping (0: none); PeakGradNorm the largest finite gradient norm of
	// that run.
	DivergedAt   int     `json:"diverged_at"`
	PeakGradNorm float64 `json:"peak_grad_norm"`
	// MaxApplied is the largest norm of the gradients the clipped run
	// applied, MaxClippedNorm the largest norm before clipping there, and
	// ClippedSteps how many of its steps were clipped.
	MaxApplied     float64 `json:"max_applied"`
	MaxClippedNorm float64 `json:"max_clipped_norm"`
	ClippedSteps   int     `json:"clipped_steps"`
	// FirstLoss and LastLoss are the clipped run's mean loss over its first
	// and last 20 steps; Finite whether every one of its losses was finite.
	FirstLoss float64 `json:"first_loss"`
	LastLoss  float64 `json:"last_loss"`
	Finite    bool    `json:"finite"`
}

// Save writes r to path as indented JSON (creating the directory).
func (r *Results) Save(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("theory: saving results: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("theory: saving results: %w", err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// LoadResults reads results saved by Save.
func LoadResults(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("theory: loading results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("theory: loading results from %s: %w", path, err)
	}
	return &r, nil
}

// UpdateResults loads the results at path (empty ones if the file does not
// exist), lets update change them, and saves them: how each cell of
// notebook 05 records its section.
func UpdateResults(path string, update func(r *Results)) error {
	r, err := LoadResults(path)
	if errors.Is(err, fs.ErrNotExist) {
		r, err = &Results{}, nil
	}
	if err != nil {
		return err
	}
	update(r)
	return r.Save(path)
}
