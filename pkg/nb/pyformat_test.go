package nb

import (
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"testing"
)

// The expected strings were printed by Python 3.11, NumPy 1.24.2 and
// PyTorch 1.13.1 (Debian 12), e.g. repr(np.float64(v)), str(np.array(...)),
// str(torch.tensor(...)).

func TestPyFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{4.0, "4.0"}, {0.9640275800758169, "0.9640275800758169"}, {1e-5, "1e-05"}, {1e16, "1e+16"},
		{123456789012345678.0, "1.2345678901234568e+17"}, {0.0001, "0.0001"}, {-2.5, "-2.5"},
		{1.9999753470497836, "1.9999753470497836"}, {0, "0.0"}, {100, "100.0"},
	} {
		if got := PyFloat(tc.v); got != tc.want {
			t.Errorf("PyFloat(%v) = %q, Python prints %q", tc.v, got, tc.want)
		}
	}
	if got := PyTuple(0.9640275800758169, 0.9640275800758169); got != "(0.9640275800758169, 0.9640275800758169)" {
		t.Errorf("PyTuple = %q", got)
	}
}

func TestNumPy(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{[][]float64{{1, 1}, {1, 1}, {2, 2}}, "[[1. 1.]\n [1. 1.]\n [2. 2.]]"},
		{[]float64{0, 0}, "[0. 0.]"},
		{[]float64{0.9640275800758169, 0.9992255445668126}, "[0.96402758 0.99922554]"},
		{[]float64{1, 0.5, 12.25}, "[ 1.    0.5  12.25]"},
		{[][]float64{{0.1, 2}, {3.125, 4}}, "[[0.1   2.   ]\n [3.125 4.   ]]"},
	} {
		if got := NumPy(tc.v); got != tc.want {
			t.Errorf("NumPy(%v) = %q, NumPy prints %q", tc.v, got, tc.want)
		}
	}
}

func TestTorch(t *testing.T) {
	for _, tc := range []struct {
		v    []float64
		dims []int
		want string
	}{
		{[]float64{1, 1}, []int{1, 2}, "tensor([[1., 1.]])"},
		{[]float64{1.92805516, 1.92805516}, []int{1, 2}, "tensor([[1.9281, 1.9281]])"},
		{[]float64{1, 1, 1, 1, 2, 2}, []int{3, 1, 2}, "tensor([[[1., 1.]],\n\n        [[1., 1.]],\n\n        [[2., 2.]]])"},
		{[]float64{0.5, -1.25, 10, 3}, []int{2, 2}, "tensor([[ 0.5000, -1.2500],\n        [10.0000,  3.0000]])"},
		{[]float64{0.9640, 0.9640, 0.9992, 0.9992, 1, 1}, []int{3, 1, 2},
			"tensor([[[0.9640, 0.9640]],\n\n        [[0.9992, 0.9992]],\n\n        [[1.0000, 1.0000]]])"},
		{[]float64{0, 0}, []int{1, 2}, "tensor([[0., 0.]])"},
	} {
		if got := Torch(tc.v, tc.dims); got != tc.want {
			t.Errorf("Torch(%v, %v) =\n%s\nPyTorch prints\n%s", tc.v, tc.dims, got, tc.want)
		}
	}
}

func TestPlotSVG(t *testing.T) {
	svg, err := PlotSVG("tanh saturates", "step", "value",
		Series{Name: "h", X: []float64{1, 2, 3}, Y: []float64{0.96, 0.999, 0.99999}},
		Series{Name: "y", X: []float64{1, 2, 3}, Y: []float64{1.93, 1.998, 1.99998}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "tanh saturates", "step", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG does not contain %q", want)
		}
	}
	if _, err := PlotSVG("t", "x", "y", Series{Name: "bad", X: []float64{1}, Y: nil}); err == nil ||
		!strings.Contains(err.Error(), `series "bad" has 1 x values and 0 y values`) {
		t.Errorf("mismatched series: error %v", err)
	}
}

func TestSubAndTorchT(t *testing.T) {
	x := tensors.FromValue([][][]float32{{{1, 1}}, {{1, 1}}, {{2, 2}}})
	if got := TorchT(x, 2); got != "tensor([[2., 2.]])" {
		t.Errorf("TorchT(x, 2) = %q", got)
	}
	if got := TorchT(x); got != "tensor([[[1., 1.]],\n\n        [[1., 1.]],\n\n        [[2., 2.]]])" {
		t.Errorf("TorchT(x) = %q", got)
	}
	if _, _, err := Sub(x, 3); err == nil || !strings.Contains(err.Error(), "index 3 out of range for axis 0 of size 3") {
		t.Errorf("Sub(x, 3): %v", err)
	}
}

func TestDiagramSVG(t *testing.T) {
	for _, tc := range []struct {
		p            Pattern
		in, out      []string
		boxes, texts int
	}{
		{NToN, []string{"h", "e", "l", "l", "o"}, []string{"o", "h", "l", "o", "l"}, 5, 5 + 5 + 5 + 1},
		{NToOne, []string{"g", "r", "e", "a", "t"}, []string{"+"}, 5, 5 + 5 + 1 + 1},
		{NToM, []string{"m", "a", "n", "E"}, []string{"w", "o", "m", "e", "n", "E"}, 4 + 1 + 6, 0},
	} {
		svg := DiagramSVG(tc.p, "title <&>", tc.in, tc.out)
		if n := strings.Count(svg, "<rect"); n != tc.boxes {
			t.Errorf("pattern %d: %d boxes, want %d", tc.p, n, tc.boxes)
		}
		if !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(svg, "</svg>") || !strings.Contains(svg, "title &lt;&amp;&gt;") {
			t.Errorf("pattern %d: malformed SVG", tc.p)
		}
		if tc.texts > 0 && strings.Count(svg, "<text") != tc.texts {
			t.Errorf("pattern %d: %d labels, want %d", tc.p, strings.Count(svg, "<text"), tc.texts)
		}
	}
}
