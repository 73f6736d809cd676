package nb

import (
	"bytes"
	"fmt"
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
// Dashed draws it dashed (e.g. PyTorch's curve under Go's); Points marks
// every point (for a few points, or points that are not a curve).
type Series struct {
	Name   string
	X, Y   []float64
	Dashed bool
	Points bool
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
	if f.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = decadeTicks{}
	}
	legend := plot.NewLegend()
	rows := 0 // legend entries
	legend.Top, legend.Left = true, true
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
		c := palette[i%len(palette)]
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return "", fmt.Errorf("nb.Figure %q: series %q: %w", f.Title, s.Name, err)
		}
		line.Color, line.Width = c, vg.Points(1.6)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		points.Color, points.Shape = c, draw.CircleGlyph{}
		if s.Points || len(s.X) == 1 {
			p.Add(line, points)
		} else {
			p.Add(line)
		}
		if s.Name != "" {
			legend.Add(s.Name, line)
			rows++
		}
	}

	// The plot on top, the legend in a band below it.
	legendH := 0.0
	if rows > 0 {
		legendH = float64(rows)*13 + 10
	}
	canvas := vgsvg.New(vg.Points(width), vg.Points(height+legendH))
	dc := draw.New(canvas)
	p.Draw(draw.Crop(dc, 0, 0, vg.Points(legendH), 0))
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

// decadeTicks marks a log axis at powers of ten, labelled "1e-06", "0.01",
// "1", "100", "1e+04" …, at most about ten labels (every k-th decade over a
// wide range), with unlabelled minor ticks at 2…9 × 10ⁿ where decades are few.
type decadeTicks struct{}

func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	step := (hi-lo)/10 + 1
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow(10, float64(e))
		if (e-lo)%step == 0 {
			ticks = append(ticks, plot.Tick{Value: v, Label: decadeLabel(e)})
		} else {
			ticks = append(ticks, plot.Tick{Value: v})
		}
		if step == 1 && hi-lo <= 4 {
			for m := 2; m <= 9; m++ {
				ticks = append(ticks, plot.Tick{Value: float64(m) * v})
			}
		}
	}
	return ticks
}

// decadeLabel is 10^e written short: "0.01", "1", "1000", or "1e-06", "1e+05".
func decadeLabel(e int) string {
	if e >= -3 && e <= 4 {
		return strconv.FormatFloat(math.Pow(10, float64(e)), 'f', max(0, -e), 64)
	}
	return strconv.FormatFloat(math.Pow(10, float64(e)), 'e', 0, 64)
}

// Show displays the figure in a notebook (inline SVG, which exported HTML
// keeps, so it works offline); outside a notebook it prints the series as a
// table.
func (f Figure) Show() error {
	svg, err := f.SVG()
	if err != nil {
		return err
	}
	if gonbui.IsNotebook {
		HTML("<div>" + svg + "</div>")
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
