package nb

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Series is one line of a plot: points (X[i], Y[i]) under a legend name.
// Dashed draws it dashed, thin, on top (e.g. PyTorch's curve over Go's);
// in a figure with dashed series the solid ones are drawn wide and pale,
// so that a dashed curve on a solid one shows both. Points marks every
// point (for a few points, or points that are not a curve). Color picks
// the colour, 1 to 8 in the palette; 0 means the series' own position, so
// give two series the same Color to pair them (Go and PyTorch of one
// variant).
type Series struct {
	Name   string
	X, Y   []float64
	Dashed bool
	Points bool
	Color  int
}

// Figure is one plot: titled axes, optionally a logarithmic y axis, and the
// series drawn on them with a legend (below the plot, so it never hides a
// curve). Width and Height are in points (default 640×320).
type Figure struct {
	Title, XLabel, YLabel string
	LogY                  bool
	Series                []Series
	Width, Height         float64
}

// palette: distinguishable colours (Okabe–Ito), in order of the series.
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255}, color.RGBA{240, 228, 66, 255},
}

// SVG draws the figure with gonum/plot and returns it as SVG text (text
// stays text, so Chinese labels render with the viewer's fonts; layout is
// measured with the Liberation Sans metrics). It fails on a figure without
// series, axis labels or points, on series whose X and Y lengths differ, and
// on a log axis with a value ≤ 0.
func (f Figure) SVG() (string, error) {
	switch {
	case len(f.Series) == 0:
		return "", fmt.Errorf("nb.Figure %q: no series to plot", f.Title)
	case strings.TrimSpace(f.XLabel) == "" || strings.TrimSpace(f.YLabel) == "":
		return "", fmt.Errorf("nb.Figure %q: both axes need a label, got x %q and y %q", f.Title, f.XLabel, f.YLabel)
	}
	width, height := f.Width, f.Height
	if width <= 0 {
		width = 640
	}
	if height <= 0 {
		height = 320
	}
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text, p.Y.Label.Text = f.XLabel, f.YLabel
	p.Add(plotter.NewGrid())
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	if f.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decadeTicks{}
	}
	legend := plot.NewLegend()
	legend.Padding = vg.Points(4) // room for CJK glyphs, taller than Liberation Sans says
	rows := 0                     // legend entries
	legend.Top, legend.Left = true, true
	paired := false // a dashed series is drawn over solid ones
	for _, s := range f.Series {
		paired = paired || s.Dashed
	}
	var dashed []plot.Plotter // drawn last, on top
	for i, s := range f.Series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return "", fmt.Errorf("nb.Figure %q: series %q has %d x values and %d y values (want the same, at least 1)",
				f.Title, s.Name, len(s.X), len(s.Y))
		}
		xys := make(plotter.XYs, len(s.X))
		for j := range s.X {
			if f.LogY && !(s.Y[j] > 0) {
				return "", fmt.Errorf("nb.Figure %q: series %q has y = %g at x = %g: a log axis needs values > 0",
					f.Title, s.Name, s.Y[j], s.X[j])
			}
			xys[j] = plotter.XY{X: s.X[j], Y: s.Y[j]}
		}
		k := i
		if s.Color > 0 {
			k = s.Color - 1
		}
		c := palette[k%len(palette)]
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", fmt.Errorf("nb.Figure %q: series %q: %w", f.Title, s.Name, err)
		}
		line.Color, line.Width = c, vg.Points(1.6)
		switch {
		case s.Dashed:
			line.Dashes, line.Width = []vg.Length{vg.Points(5), vg.Points(3)}, vg.Points(1.4)
		case paired:
			r, g, b, _ := c.RGBA()
			line.Color, line.Width = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 110}, vg.Points(4)
		}
		points.Color, points.Shape = c, draw.CircleGlyph{}
		drawn := []plot.Plotter{line}
		if s.Points || len(s.X) == 1 {
			drawn = append(drawn, points)
		}
		if s.Dashed {
			dashed = append(dashed, drawn...)
		} else {
			p.Add(drawn...)
		}
		if s.Name != "" {
			legend.Add(s.Name, line)
			rows++
		}
	}

	p.Add(dashed...)

	// The plot on top, the legend in a band below it.
	legendH := 0.0
	if rows > 0 {
		legendH = float64(rows)*17 + 10
	}
	canvas := vgsvg.New(vg.Points(width), vg.Points(height+legendH))
	dc := draw.New(canvas)
	p.Draw(draw.Crop(dc, 0, -vg.Points(16), vg.Points(legendH), 0)) // room on the right for the last tick label
	if rows > 0 {
		legend.XOffs, legend.YOffs = vg.Points(50), vg.Points(-4)
		legend.Draw(draw.Crop(dc, 0, 0, 0, -vg.Points(height)))
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("nb.Figure %q: %w", f.Title, err)
	}
	return buf.String(), nil
}

// decadeTicks marks a log axis so that it can be read: over more than
// about two decades, powers of ten ("1e-06", "0.01", "1", "100", "1e+04"),
// at most about ten labels (every k-th decade over a wide range), with
// unlabelled minor ticks at 2…9 × 10ⁿ where decades are few; over one or two
// decades also 2 and 5 × 10ⁿ; within about one decade every 1…9 × 10ⁿ, so
// that a curve from 0.13 to 2 reads off "0.2 0.5 1 2", never one lone "1".
type decadeTicks struct{}

func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	span := math.Log10(max / min)
	labelled := func(m int) bool { return m == 1 } // which multiples m × 10ⁿ carry a label
	switch {
	case span <= 1:
		labelled = func(int) bool { return true }
	case span <= 2.5:
		labelled = func(m int) bool { return m == 1 || m == 2 || m == 5 }
	}
	step := (hi-lo)/10 + 1
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow(10, float64(e))
		if (e-lo)%step == 0 {
			ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v)})
		} else {
			ticks = append(ticks, plot.Tick{Value: v})
		}
		if step == 1 && hi-lo <= 4 {
			for m := 2; m <= 9; m++ {
				t := plot.Tick{Value: float64(m) * v}
				if labelled(m) && t.Value >= min*0.999 && t.Value <= max*1.001 {
					t.Label = tickLabel(t.Value)
				}
				ticks = append(ticks, t)
			}
		}
	}
	return ticks
}

// tickLabel writes a tick value short: "0.002", "0.5", "1", "1000", or
// "2e-05", "1e+05" outside [0.0001, 10⁵).
func tickLabel(v float64) string {
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 10, 64), 64) // 3 × 0.1 is 0.3, not 0.30000000000000004
	if a := math.Abs(v); a == 0 || (a >= 1e-4 && a < 1e5) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

// niceTicks marks a linear axis every 1, 2 or 5 × 10ⁿ units, chosen for
// about five to eight labels (epochs 1…15: 2, 4, …, 14; 0…5000: every 1000),
// with unlabelled minor ticks in between.
type niceTicks struct{}

func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return []plot.Tick{{Value: min, Label: tickLabel(min)}}
	}
	raw := (max - min) / 8
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, minor := 10*mag, 5*mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step, minor = m*mag, m*mag/2 // 1 and 2 × 10ⁿ: a minor tick halfway
			if m == 5 {
				minor = mag // 5 × 10ⁿ: every 10ⁿ
			}
			break
		}
	}
	var ticks []plot.Tick
	for k := math.Ceil(min / minor); k*minor <= max*(1+1e-12)+1e-300; k++ {
		v := k * minor
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = tickLabel(math.Round(r) * step)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// Show displays the figure in a notebook (inline SVG, which exported HTML
// keeps, so it works offline, with a PNG and SVG copy for the other export
// formats: ShowFigure); outside a notebook it prints the series as a table.
func (f Figure) Show() error {
	svg, err := f.SVG()
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		ShowFigure(FigureHTML(svg, f.XLabel, f.YLabel), svg, f.Title)
		return nil
	}
	fmt.Println(f.Title)
	for _, s := range f.Series {
		rows := make([][]string, len(s.X))
		for i := range s.X {
			rows[i] = []string{fmt.Sprint(s.X[i]), fmt.Sprint(s.Y[i])}
		}
		fmt.Print(TableText([]string{f.XLabel, s.Name}, rows))
	}
	return nil
}

// FigureHTML wraps the SVG of a plot for display, marked as a figure with
// its axis labels (class "nb-figure", data-xlabel, data-ylabel): the
// notebook tests check that every plot a notebook shows is marked so and
// that both labels are drawn in it. A plot drawn by other code than Figure
// (a heatmap, say) is displayed the same way.
func FigureHTML(svg, xLabel, yLabel string) string {
	return fmt.Sprintf(`<div class="nb-figure" data-xlabel="%s" data-ylabel="%s">%s</div>`,
		html.EscapeString(xLabel), html.EscapeString(yLabel), svg)
}

// PlotSVG is Figure{title, xLabel, yLabel, series}.SVG().
func PlotSVG(title, xLabel, yLabel string, series ...Series) (string, error) {
	return Figure{Title: title, XLabel: xLabel, YLabel: yLabel, Series: series}.SVG()
}

// Plot is Figure{title, xLabel, yLabel, series}.Show().
func Plot(title, xLabel, yLabel string, series ...Series) error {
	return Figure{Title: title, XLabel: xLabel, YLabel: yLabel, Series: series}.Show()
}

// Steps returns 1, 2, …, n as float64s: the x values of a per-epoch curve.
func Steps(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	return xs
}
