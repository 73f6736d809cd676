package theory

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
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

// FlowCurve is one curve of section 2: ‖∂h_T/∂h_0‖₂ for T = 1…len(Norms),
// for a recurrent matrix U of spectral radius Radius, with or without tanh.
type FlowCurve struct {
	Radius float64 `json:"radius"`
	// Activation is "tanh" or "none".
	Activation string    `json:"activation"`
	Norms      []float64 `json:"norms"`
	// NormU is ‖U‖₂, the most one step can stretch (≥ ρ(U)).
	NormU float64 `json:"norm_u"`
}

// Rate is the geometric mean factor per step over the last half of the
// curve, (‖J_T‖/‖J_{T/2}‖)^{1/(T−T/2)}: < 1 decays, ≈ 1 stays, > 1 grows.
func (c FlowCurve) Rate() float64 {
	n := len(c.Norms)
	if n < 2 {
		return math.NaN()
	}
	half := n/2 - 1
	return math.Pow(c.Norms[n-1]/c.Norms[half], 1/float64(n-1-half))
}

// Verdict reads Rate: "decays" below 0.97 a step, "grows" above 1.03,
// "stays" in between.
func (c FlowCurve) Verdict() string {
	switch r := c.Rate(); {
	case r < 0.97:
		return "decays"
	case r > 1.03:
		return "grows"
	default:
		return "stays"
	}
}

// Kind names the recurrent layer of section 3's classifiers.
type Kind string

// The three recurrent layers compared: pkg/rnn's RNN (tanh), LSTM and GRU.
const (
	SRN  Kind = "SRN"
	LSTM Kind = "LSTM"
	GRU  Kind = "GRU"
)

// Kinds are the three, in the order the notebook shows them.
var Kinds = []Kind{SRN, LSTM, GRU}

// MemoryConfig records the settings of section 3's memory experiment: for
// every sequence length K, DigitSum data, and a classifier of every kind
// trained on it and scored on the test sequences.
type MemoryConfig struct {
	// Ks are the sequence lengths, Kinds the models (every kind is trained
	// on the same data for a given K).
	Ks    []int
	Kinds []Kind
	// Train and Test are the numbers of sequences per K; DataSeed seeds
	// DigitSum.
	Train, Test int
	DataSeed    uint64
	// Embed and Hidden are the classifier's sizes.
	Embed, Hidden int
	// Epochs, BatchSize, LearningRate (Adam) and Seed (the initial weights
	// and the shuffling) are the training's.
	Epochs, BatchSize int
	LearningRate      float64
	Seed              int64
	// Chrono is whether the LSTM's gate biases start with the chrono
	// initialisation (memories of up to K steps).
	Chrono bool
	// Parallel is how many models trained at once (it does not change the
	// results).
	Parallel int
}

// MemoryResult is what section 3 measured: for every kind, one entry per K
// (in the order of Ks).
type MemoryResult struct {
	Ks []int `json:"ks"`
	// Accuracy is the test accuracy, Loss the mean training loss of the
	// last epoch.
	Accuracy map[Kind][]float64 `json:"accuracy"`
	Loss     map[Kind][]float64 `json:"loss"`
}

// NewMemoryResult returns a result with room for every kind at every K,
// its accuracies and losses zero.
func NewMemoryResult(ks []int, kinds []Kind) *MemoryResult {
	r := &MemoryResult{Ks: ks, Accuracy: map[Kind][]float64{}, Loss: map[Kind][]float64{}}
	for _, kind := range kinds {
		r.Accuracy[kind], r.Loss[kind] = make([]float64, len(ks)), make([]float64, len(ks))
	}
	return r
}

// At returns the test accuracy of kind at length k, and whether it was measured.
func (r *MemoryResult) At(kind Kind, k int) (float64, bool) {
	i := slices.Index(r.Ks, k)
	if i < 0 || len(r.Accuracy[kind]) <= i {
		return 0, false
	}
	return r.Accuracy[kind][i], true
}

// MemorySummary is section 3: the settings and the accuracies.
type MemorySummary struct {
	Config MemoryConfig  `json:"config"`
	Result *MemoryResult `json:"result"`
	// Chance is 1/19, Majority the accuracy of always answering 9.
	Chance   float64 `json:"chance"`
	Majority float64 `json:"majority"`
	// LSTMDefaultInit is the LSTM trained the same way at a few K, but
	// with PyTorch's initialisation instead of the chrono one (nil until
	// its cell ran).
	LSTMDefaultInit *MemoryResult `json:"lstm_default_init,omitempty"`
}

// ClipConfig records the settings of section 4's clipping experiment: one
// SRN classifier on the digit-sum task, its recurrent matrix rescaled to a
// large spectral radius, trained with plain SGD twice from the same start —
// without clipping and with clip_grad_norm_(params, MaxNorm).
type ClipConfig struct {
	// K, Train and DataSeed are the DigitSum data (K digits, Train sequences).
	K, Train int
	DataSeed uint64
	// Embed, Hidden and Nonlinearity are the classifier's (an SRN).
	Embed, Hidden int
	Nonlinearity  string
	// Radius is the spectral radius W_hh is rescaled to before training.
	Radius float64
	// Steps, BatchSize, LearningRate (SGD), MaxNorm and Seed are the
	// training's.
	Steps, BatchSize int
	LearningRate     float64
	MaxNorm          float64
	Seed             int64
}

// ClipRun is one training of section 4, step by step: the batch losses,
// the total gradient norms ‖g‖ = √(Σ_k ‖g_k‖²) before clipping, and the
// norms of the gradients the optimiser applied (min(‖g‖, MaxNorm), up to
// clip_grad_norm_'s 1e-6), for the threshold MaxNorm (+Inf: no clipping).
// A run stopped by a NaN or infinite loss ends with that loss.
type ClipRun struct {
	MaxNorm                    float64
	Losses, GradNorms, Applied []float64
}

// Diverged returns the step (from 1) whose loss was NaN or infinite, the
// last one, or 0 if every loss is finite.
func (r ClipRun) Diverged() int {
	if n := len(r.Losses); n > 0 && !finite(r.Losses[n-1]) {
		return n
	}
	return 0
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// SummarizeClipping sums up section 4's two runs of c, plain without
// clipping and clipped with MaxNorm, as ClipSummary reports them.
func SummarizeClipping(c ClipConfig, plain, clipped ClipRun) *ClipSummary {
	s := &ClipSummary{Config: c, DivergedAt: plain.Diverged(), Finite: true}
	for _, g := range plain.GradNorms {
		if finite(g) {
			s.PeakGradNorm = math.Max(s.PeakGradNorm, g)
		}
	}
	for i, g := range clipped.GradNorms {
		s.MaxClippedNorm = math.Max(s.MaxClippedNorm, g)
		s.MaxApplied = math.Max(s.MaxApplied, clipped.Applied[i])
		if g > c.MaxNorm {
			s.ClippedSteps++
		}
		s.Finite = s.Finite && finite(g) && finite(clipped.Losses[i])
	}
	if n := min(20, len(clipped.Losses)); n > 0 {
		s.FirstLoss, s.LastLoss = mean(clipped.Losses[:n]), mean(clipped.Losses[len(clipped.Losses)-n:])
	}
	if s.Finite { // JSON has no NaN
		s.GradNorms, s.Losses = clipped.GradNorms, clipped.Losses
	}
	return s
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
	// GradNorms and Losses are the clipped run's, step by step: the
	// gradient norms before clipping and the batch losses (kept only when
	// every one is finite).
	GradNorms []float64 `json:"clipped_grad_norms,omitempty"`
	Losses    []float64 `json:"clipped_losses,omitempty"`
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
