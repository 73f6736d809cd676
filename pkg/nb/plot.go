package nb

import (
	"bytes"
	"fmt"

	mg "github.com/erkkah/margaid"
	"github.com/janpfeifer/gonb/gonbui"
)

// Series is one line of a plot: points (X[i], Y[i]) under a legend name.
type Series struct {
	Name string
	X, Y []float64
}

// PlotSVG draws the series as lines with markers on shared axes, with the
// Margaid library GoMLX's own training plots use, and returns the SVG.
func PlotSVG(title, xLabel, yLabel string, series ...Series) (string, error) {
	if len(series) == 0 {
		return "", fmt.Errorf("nb.PlotSVG: no series to plot")
	}
	all := mg.NewSeries()
	mgSeries := make([]*mg.Series, len(series))
	for i, s := range series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return "", fmt.Errorf("nb.PlotSVG: series %q has %d x values and %d y values (want the same, at least 1)",
				s.Name, len(s.X), len(s.Y))
		}
		mgSeries[i] = mg.NewSeries(mg.Titled(s.Name))
		mgSeries[i].Zip(s.X, s.Y)
		all.Zip(s.X, s.Y)
	}
	d := mg.New(720, 360,
		mg.WithAutorange(mg.XAxis, all),
		mg.WithAutorange(mg.YAxis, all),
		mg.WithInset(70),
		mg.WithPadding(2),
		mg.WithColorScheme(90),
		mg.WithBackgroundColor("#f8f8f8"),
	)
	for _, s := range mgSeries {
		d.Line(s, mg.UsingAxes(mg.XAxis, mg.YAxis), mg.UsingMarker("circle"), mg.UsingStrokeWidth(2))
	}
	d.Axis(all, mg.XAxis, d.ValueTicker('f', 0, 10), false, xLabel)
	d.Axis(all, mg.YAxis, d.ValueTicker('g', 3, 10), true, yLabel)
	d.Frame()
	d.Title(title)
	if len(series) > 1 || series[0].Name != "" {
		d.Legend(mg.BottomLeft)
	}
	var buf bytes.Buffer
	if err := d.Render(&buf); err != nil {
		return "", fmt.Errorf("nb.PlotSVG: %w", err)
	}
	return buf.String(), nil
}

// Plot displays PlotSVG's drawing in a notebook (as inline SVG, which
// exported HTML keeps); outside a notebook it prints the series as a table.
func Plot(title, xLabel, yLabel string, series ...Series) error {
	svg, err := PlotSVG(title, xLabel, yLabel, series...)
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		HTML("<div>" + svg + "</div>")
		return nil
	}
	fmt.Println(title)
	for _, s := range series {
		rows := make([][]string, len(s.X))
		for i := range s.X {
			rows[i] = []string{fmt.Sprint(s.X[i]), fmt.Sprint(s.Y[i])}
		}
		fmt.Print(TableText([]string{xLabel, s.Name}, rows))
	}
	return nil
}
