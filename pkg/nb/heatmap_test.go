package nb

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

func TestHeatmapSVG(t *testing.T) {
	h := Heatmap{
		Title: "注意力 attention", XLabel: "input", YLabel: "output",
		Cols:   []string{"3", "␣", "M", "a", "r", "<eos>"},
		Rows:   []string{"2", "0", "<eos>"},
		Values: [][]float64{{0, 0.1, 0.2, 0.3, 0.4, 0}, {1, 0, 0, 0, 0, 0}, {0.5, 0.5, 0, 0, 0, 0}},
	}
	svg, err := h.SVG()
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, a cell per value, labels escaped, the colour bar's bounds written.
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("not well-formed SVG: %v\n%s", err, svg)
	}
	if n := strings.Count(svg, "<title>"); n != 18 {
		t.Errorf("%d cells, want 18", n)
	}
	for _, want := range []string{"注意力 attention", "&lt;eos&gt;", ">␣<", `rotate(-90)`, ">0<", ">0.5<", ">1<",
		`fill="` + heatColor(0) + `"`, `fill="` + heatColor(1) + `"`, "<eos> → 3: 0.5"} {
		if !strings.Contains(svg, want) && !strings.Contains(svg, strings.ReplaceAll(want, "<eos>", "&lt;eos&gt;")) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Both axis labels are drawn as text (what the notebook tests look for in a marked figure).
	if !strings.Contains(svg, ">input<") || !strings.Contains(svg, ">output<") {
		t.Errorf("the axis labels are not drawn as text")
	}
	if heatColor(0) != "#440154" || heatColor(1) != "#fde725" || heatColor(-3) != heatColor(0) {
		t.Errorf("colour scale ends: %s %s", heatColor(0), heatColor(1))
	}
	// Values outside 0…1: the scale is their range.
	h.Values[0][0] = -2
	if lo, hi := h.scale(); lo != -2 || hi != 1 {
		t.Errorf("scale %g…%g, want -2…1", lo, hi)
	}
}

func TestHeatmapErrors(t *testing.T) {
	for _, tc := range []struct {
		h    Heatmap
		want string
	}{
		{Heatmap{}, "no rows or no columns"},
		{Heatmap{Cols: []string{"a"}, Rows: []string{"x"}, Values: [][]float64{{1}}, XLabel: "in"}, `both axes need a label, got x "in" and y ""`},
		{Heatmap{Cols: []string{"a"}, Rows: []string{"x", "y"}, Values: [][]float64{{1}}, XLabel: "in", YLabel: "out"}, "1 rows of values for 2 row labels"},
		{Heatmap{Cols: []string{"a", "b"}, Rows: []string{"x"}, Values: [][]float64{{1}}, XLabel: "in", YLabel: "out"}, `row 0 ("x") has 1 values for 2 column labels`},
		{Heatmap{Cols: []string{"a"}, Rows: []string{"x"}, Values: [][]float64{{math.NaN()}}, XLabel: "in", YLabel: "out"}, "value NaN at row 0"},
		{Heatmap{Cols: []string{"a"}, Rows: []string{"x"}, Values: [][]float64{{1}}, Min: 2, Max: 1, XLabel: "in", YLabel: "out"}, "min 2 above max 1"},
	} {
		if _, err := tc.h.SVG(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.h, err, tc.want)
		}
	}
}
