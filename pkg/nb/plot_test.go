package nb

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestFigureSVG(t *testing.T) {
	xs := Steps(4)
	svg, err := Figure{Title: "损失 (loss)", XLabel: "轮次 (epoch)", YLabel: "loss", LogY: true, Series: []Series{
		{Name: "Go", X: xs, Y: []float64{1, 0.1, 0.01, 0.001}},
		{Name: "PyTorch", X: xs, Y: []float64{1, 0.1, 0.01, 0.001}, Dashed: true},
	}}.SVG()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "损失 (loss)", "轮次 (epoch)", ">loss<", ">Go<", ">PyTorch<",
		">0.001<", ">0.01<", ">0.1<", ">1<", "Liberation Sans"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "0000000") {
		t.Error("a tick label is printed with float noise")
	}
}

func TestFigureErrors(t *testing.T) {
	xs := Steps(2)
	for _, tc := range []struct {
		name string
		f    Figure
		want string
	}{
		{"no series", Figure{Title: "t", XLabel: "x", YLabel: "y"}, "no series"},
		{"no labels", Figure{Title: "t", Series: []Series{{X: xs, Y: xs}}}, "both axes need a label"},
		{"lengths", Figure{Title: "t", XLabel: "x", YLabel: "y", Series: []Series{{Name: "s", X: xs, Y: xs[:1]}}}, "2 x values and 1 y values"},
		{"log of 0", Figure{Title: "t", XLabel: "x", YLabel: "y", LogY: true, Series: []Series{{Name: "s", X: xs, Y: []float64{1, 0}}}}, "log axis needs values > 0"},
	} {
		if _, err := tc.f.SVG(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestDecadeTicks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (decadeTicks{}).Ticks(min, max) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	if got := strings.Join(labels(0.005, 20), " "); got != "0.001 0.01 0.1 1 10 100" {
		t.Errorf("labels on [0.005, 20]: %s", got)
	}
	if got := labels(1e-15, 1e9); len(got) > 12 || got[0] != "1e-15" {
		t.Errorf("labels on [1e-15, 1e9]: %v (want at most ~10, from 1e-15)", got)
	}
}

func TestTicksAreReadable(t *testing.T) {
	labels := func(m plot.Ticker, min, max float64) string {
		var out []string
		for _, tk := range m.Ticks(min, max) {
			if tk.Label != "" && tk.Value >= min && tk.Value <= max { // gonum draws no tick outside the axis
				out = append(out, tk.Label)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		m        plot.Ticker
		min, max float64
		want     string
	}{
		{niceTicks{}, 1, 15, "2 4 6 8 10 12 14"},
		{niceTicks{}, 1, 5000, "1000 2000 3000 4000 5000"},
		{niceTicks{}, 0.03, 1.44, "0.2 0.4 0.6 0.8 1 1.2 1.4"},
		{niceTicks{}, 1, 1, "1"},
		{decadeTicks{}, 0.13, 0.9, "0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9"},
		{decadeTicks{}, 0.03, 2.5, "0.05 0.1 0.2 0.5 1 2"},
		{decadeTicks{}, 1.7e-5, 3.3, "0.0001 0.001 0.01 0.1 1"},
	} {
		if got := labels(tc.m, tc.min, tc.max); got != tc.want {
			t.Errorf("%T on [%g, %g]: labels %q, want %q", tc.m, tc.min, tc.max, got, tc.want)
		}
	}
}
