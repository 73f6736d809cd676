package nb

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Heatmap is a matrix shown as coloured cells, one row per Rows label (top
// to bottom) and one column per Cols label (left to right), with a colour
// bar as legend: an attention matrix with the output characters as rows and
// the input characters as columns, say. It is drawn as plain SVG (text
// stays text, so Chinese titles render with the viewer's fonts), which
// GoNB shows inline and exported HTML keeps, offline.
type Heatmap struct {
	Title string
	// XLabel and YLabel name the columns' and the rows' axis (both needed).
	XLabel, YLabel string
	// Cols and Rows label the columns and rows; a column label of one or
	// two characters is written upright, a longer one upwards; row labels
	// are right-aligned. Pass "␣" for a space to see it.
	Cols, Rows []string
	// Values has len(Rows) rows of len(Cols) numbers, none NaN.
	Values [][]float64
	// Min and Max bound the colour scale; both 0 means the values' range
	// (0…1 for weights that all lie there, as attention's do).
	Min, Max float64
	// Cell is the side of a cell in pixels (default 18).
	Cell float64
}

// heatColors is the colour scale, low to high: viridis, sampled at nine
// points and interpolated linearly (perceptually uniform, readable in grey).
var heatColors = [][3]float64{
	{68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
	{31, 158, 137}, {53, 183, 121}, {110, 206, 88}, {253, 231, 37},
}

// heatColor is the colour of x in [0, 1] on the scale, as "#rrggbb".
func heatColor(x float64) string {
	x = math.Max(0, math.Min(1, x))
	pos := x * float64(len(heatColors)-1)
	i := min(int(pos), len(heatColors)-2)
	f := pos - float64(i)
	var rgb [3]int
	for c := range rgb {
		rgb[c] = int(math.Round(heatColors[i][c]*(1-f) + heatColors[i+1][c]*f))
	}
	return fmt.Sprintf("#%02x%02x%02x", rgb[0], rgb[1], rgb[2])
}

// scale returns the colour scale's bounds.
func (h Heatmap) scale() (lo, hi float64) {
	if h.Min != 0 || h.Max != 0 {
		return h.Min, h.Max
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range h.Values {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo >= 0 && hi <= 1 {
		return 0, 1
	}
	return lo, hi
}

// check validates the heatmap's shape and numbers.
func (h Heatmap) check() error {
	switch {
	case len(h.Rows) == 0 || len(h.Cols) == 0:
		return fmt.Errorf("nb.Heatmap %q: no rows or no columns (%d row labels, %d column labels)", h.Title, len(h.Rows), len(h.Cols))
	case strings.TrimSpace(h.XLabel) == "" || strings.TrimSpace(h.YLabel) == "":
		return fmt.Errorf("nb.Heatmap %q: both axes need a label, got x %q and y %q", h.Title, h.XLabel, h.YLabel)
	case len(h.Values) != len(h.Rows):
		return fmt.Errorf("nb.Heatmap %q: %d rows of values for %d row labels", h.Title, len(h.Values), len(h.Rows))
	case !(h.Max >= h.Min):
		return fmt.Errorf("nb.Heatmap %q: colour scale min %g above max %g", h.Title, h.Min, h.Max)
	}
	for i, row := range h.Values {
		if len(row) != len(h.Cols) {
			return fmt.Errorf("nb.Heatmap %q: row %d (%q) has %d values for %d column labels", h.Title, i, h.Rows[i], len(row), len(h.Cols))
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("nb.Heatmap %q: value %g at row %d (%q), column %d (%q)", h.Title, v, i, h.Rows[i], j, h.Cols[j])
			}
		}
	}
	return nil
}

// SVG draws the heatmap and returns it as SVG text. It fails on a heatmap
// without rows or columns or axis labels, values that do not match the
// labels, NaN or infinite values, or a colour scale with min above max.
func (h Heatmap) SVG() (string, error) {
	if err := h.check(); err != nil {
		return "", err
	}
	cell := h.Cell
	if cell <= 0 {
		cell = 18
	}
	const font, pad = 12.0, 8.0
	textW := func(l string) float64 { return float64(len([]rune(l)))*font*0.62 + 6 }
	turned := func(l string) bool { return len([]rune(l)) > 2 } // written upwards
	rowLabelW, colLabelH := 0.0, font+4
	for _, l := range h.Rows {
		rowLabelW = math.Max(rowLabelW, textW(l))
	}
	for _, l := range h.Cols {
		if turned(l) {
			colLabelH = math.Max(colLabelH, textW(l))
		}
	}
	titleH := 0.0
	if h.Title != "" {
		titleH = font + 10
	}
	left := pad + font + 6 + rowLabelW // y title, row labels
	top := pad + titleH + font + 6 + colLabelH
	gridW, gridH := cell*float64(len(h.Cols)), cell*float64(len(h.Rows))
	barX := left + gridW + 16
	width := barX + 14 + 48
	height := top + math.Max(gridH, 80) + pad

	lo, hi := h.scale()
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Liberation Sans, Arial, sans-serif" font-size="%.0f">`,
		width, height, width, height, font)
	sb.WriteString("\n")
	text := func(x, y float64, anchor, extra, s string) {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" text-anchor="%s"%s>%s</text>`+"\n", x, y, anchor, extra, html.EscapeString(s))
	}
	if h.Title != "" {
		text(left+gridW/2, pad+font, "middle", ` font-weight="bold"`, h.Title)
	}
	if h.XLabel != "" {
		text(left+gridW/2, pad+titleH+font, "middle", "", h.XLabel)
	}
	if h.YLabel != "" {
		fmt.Fprintf(&sb, `<text transform="translate(%.1f,%.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
			pad+font, top+gridH/2, html.EscapeString(h.YLabel))
	}
	for j, l := range h.Cols {
		x := left + cell*(float64(j)+0.5)
		if turned(l) {
			fmt.Fprintf(&sb, `<text transform="translate(%.1f,%.1f) rotate(-90)" text-anchor="start" dominant-baseline="middle">%s</text>`+"\n",
				x, top-4, html.EscapeString(l))
		} else {
			text(x, top-5, "middle", "", l)
		}
	}
	for i, l := range h.Rows {
		text(left-5, top+cell*(float64(i)+0.5)+font*0.35, "end", "", l)
	}
	for i, row := range h.Values {
		for j, v := range row {
			x := 0.0
			if hi > lo {
				x = (v - lo) / (hi - lo)
			}
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s → %s: %.3g</title></rect>`+"\n",
				left+cell*float64(j), top+cell*float64(i), cell, cell, heatColor(x),
				html.EscapeString(h.Rows[i]), html.EscapeString(h.Cols[j]), v)
		}
	}
	// The colour bar: 20 bands, high at the top, with the bounds and the middle written beside it.
	barH := math.Max(gridH, 80)
	const bands = 20
	for k := range bands {
		x := 1 - (float64(k)+0.5)/bands
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="14" height="%.2f" fill="%s"/>`+"\n",
			barX, top+barH*float64(k)/bands, barH/bands+0.3, heatColor(x))
	}
	fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="14" height="%.1f" fill="none" stroke="#444" stroke-width="0.6"/>`+"\n", barX, top, barH)
	for _, tick := range []float64{0, 0.5, 1} {
		y := top + barH*(1-tick)
		fmt.Fprintf(&sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444" stroke-width="0.6"/>`+"\n", barX+14, y, barX+18, y)
		text(barX+20, y+font*0.35, "start", "", fmt.Sprintf("%.3g", lo+tick*(hi-lo)))
	}
	sb.WriteString("</svg>\n")
	return sb.String(), nil
}

// Show displays the heatmap in a notebook (inline SVG, marked as a figure
// with its axis labels: FigureHTML); outside a notebook it prints the values
// as a table, rows labelled.
func (h Heatmap) Show() error {
	if !gonbui.IsNotebook {
		return h.print()
	}
	svg, err := h.SVG()
	if err != nil {
		return err
	}
	ShowFigure(FigureHTML(svg, h.XLabel, h.YLabel), svg, h.Title)
	return nil
}

// print writes the title and the values, two decimals, as a text table.
func (h Heatmap) print() error {
	if err := h.check(); err != nil {
		return err
	}
	table := make([][]string, len(h.Rows))
	for i, label := range h.Rows {
		table[i] = append(table[i], label)
		for _, v := range h.Values[i] {
			table[i] = append(table[i], fmt.Sprintf("%.2f", v))
		}
	}
	fmt.Printf("%s\n%s", h.Title, TableText(append([]string{""}, h.Cols...), table))
	return nil
}
