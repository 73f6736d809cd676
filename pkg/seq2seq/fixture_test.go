package seq2seq

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/nb"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// These tests compare with tools/pytorch/attention_fixture.py's output in
// testdata/ (PyTorch 1.13, float32): d2l's modules with the same weights,
// the same batch, and the gradients of the masked loss; the largest
// difference allowed is parityTol.
const parityTol = 1e-5

// TestGRUModelMatchesPyTorch: logits, attention weights, masked loss and the
// gradient of every parameter agree with PyTorch's at 1e-5, for the plain
// and the attention decoder, with pkg/rnn's hand-derived gradients and with
// GoMLX's autodiff.
func TestGRUModelMatchesPyTorch(t *testing.T) {
	for _, file := range []string{"plain.npz", "attention.npz"} {
		for _, custom := range []bool{true, false} {
			ctx := context.New()
			ctx.SetParam(rnn.ParamCustomGradient, custom)
			ref, err := LoadGRUReference(filepath.Join("testdata", file), ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ref.Model.Attention != (file == "attention.npz") || ref.Model.Hidden != 4 || ref.Model.Embed != 3 {
				t.Fatalf("%s: model read as %s", file, ref.Model)
			}
			got, err := ref.Run()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(ref.Want) || len(got) != ref.ParameterCount+2+map[bool]int{true: 1}[ref.Model.Attention] {
				t.Errorf("%s: %d results for %d in the reference (%d parameters)", file, len(got), len(ref.Want), ref.ParameterCount)
			}
			for k, want := range ref.Want {
				g, ok := got[k]
				if !ok {
					t.Errorf("%s (custom gradient %v): %s not computed", file, custom, k)
					continue
				}
				if d := nb.MaxAbsDiff(g, want); d > parityTol {
					t.Errorf("%s (custom gradient %v): %s differs from PyTorch by %.3g", file, custom, k, d)
				}
			}
		}
	}
}

// TestAttentionFixturesAreRealPyTorch regenerates the fixtures with
// PyTorch, where it is installed, and fails if any array differs from the
// committed one.
func TestAttentionFixturesAreRealPyTorch(t *testing.T) {
	py := pyref.Require(t, "the attention fixtures")
	dir := t.TempDir()
	out, err := exec.Command(py, "../../tools/pytorch/attention_fixture.py", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("generator failed: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
	for _, name := range []string{"attention.npz", "plain.npz", "masked_ce.npz", "masked_softmax.npz"} {
		committed, err := numpy.FromNpzFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		regen, err := numpy.FromNpzFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s not regenerated: %v", name, err)
		}
		if len(committed) != len(regen) {
			t.Errorf("%s: %d arrays committed, %d regenerated", name, len(committed), len(regen))
		}
		for k, a := range committed {
			b, ok := regen[k]
			switch {
			case !ok:
				t.Errorf("%s: %s not regenerated", name, k)
			case !a.Shape().Equal(b.Shape()):
				t.Errorf("%s: %s shape %s committed, %s regenerated", name, k, a.Shape(), b.Shape())
			case a.DType() == dtypes.Bool:
				if !slices.Equal(tensors.MustCopyFlatData[bool](a), tensors.MustCopyFlatData[bool](b)) {
					t.Errorf("%s: %s differs from the regenerated one", name, k)
				}
			default:
				if d := nb.MaxAbsDiff(rnn.Float64s(a), rnn.Float64s(b)); d > 1e-6 {
					t.Errorf("%s: %s differs from regenerated PyTorch values by %.3g", name, k, d)
				}
			}
		}
	}
}
