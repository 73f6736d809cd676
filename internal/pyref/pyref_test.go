package pyref

import "testing"

func TestNormalizeNumPy(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// What the homework's section-1 code prints under NumPy 2.5 and 1.24.
		{"state_t is  (np.float64(2.0), np.float64(2.0))", "state_t is  (2.0, 2.0)"},
		{"state_t is  (2.0, 2.0)", "state_t is  (2.0, 2.0)"},
		{"(np.float32(-0.5), np.int64(3), np.float64(1e-08))", "(-0.5, 3, 1e-08)"},
		{"state_t is  [0. 0.]", "state_t is  [0. 0.]"},
		{"array([1., 2.])", "array([1., 2.])"},
	} {
		if got := NormalizeNumPy(tc.in); got != tc.want {
			t.Errorf("NormalizeNumPy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
