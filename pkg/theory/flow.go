package theory

import (
	"fmt"
	"math"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// FlowConfig is the gradient-flow experiment: random SRNs whose recurrent
// matrix U (PyTorch's W_hh) is rescaled to given spectral radii, run over
// random inputs, with and without tanh, and ‖∂h_T/∂h_0‖₂ measured at every
// step T.
type FlowConfig struct {
	// Hidden is H (= the input size I), Steps the longest T.
	Hidden, Steps int
	// Radii are the spectral radii ρ(U) (one U per radius, the same random
	// matrix rescaled).
	Radii []float64
	// Seed draws U, W (N(0, 1/H) entries) and the inputs x_t (N(0, 1)).
	Seed uint64
}

// DefaultFlow is the notebook's setting: H = 32, T = 1…50, ρ = 0.5, 1, 1.5, seed 1.
func DefaultFlow() FlowConfig {
	return FlowConfig{Hidden: 32, Steps: 50, Radii: []float64{0.5, 1, 1.5}, Seed: 1}
}

// FlowCurve is ‖∂h_T/∂h_0‖₂ for T = 1…Steps, for one radius and activation.
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

// Flow runs the experiment: for every radius ρ, U = RandomRecurrent(H, ρ,
// Seed), W random, biases zero, h_0 = 0, inputs x_t ~ N(0, 1); the SRN
// with tanh and without activation, JacobianNorms over Steps steps. Curves
// come radius by radius, tanh then none.
func Flow(cfg FlowConfig) ([]FlowCurve, error) {
	if cfg.Hidden < 1 || cfg.Steps < 1 || len(cfg.Radii) == 0 {
		return nil, fmt.Errorf("theory.Flow: want Hidden ≥ 1, Steps ≥ 1 and at least one radius, got %d, %d, %v", cfg.Hidden, cfg.Steps, cfg.Radii)
	}
	h := cfg.Hidden
	w := randomNormal(h, h, 1/math.Sqrt(float64(h)), cfg.Seed+1)
	xs := randomNormal(cfg.Steps, h, 1, cfg.Seed+2)
	var curves []FlowCurve
	for _, radius := range cfg.Radii {
		u, err := RandomRecurrent(h, radius, cfg.Seed)
		if err != nil {
			return nil, fmt.Errorf("theory.Flow: %w", err)
		}
		for _, act := range []struct {
			name string
			f    func(float64) float64
		}{{"tanh", math.Tanh}, {"none", rnn.Identity}} {
			s := rnn.SRN{W: w, U: u, V: identity(h), Act: act.f}
			norms, err := JacobianNorms(s, xs, nil)
			if err != nil {
				return nil, fmt.Errorf("theory.Flow: %w", err)
			}
			curves = append(curves, FlowCurve{Radius: radius, Activation: act.name, Norms: norms, NormU: SpectralNorm(u)})
		}
	}
	return curves, nil
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
