// Package nb holds what the notebooks share besides the models: printing
// numbers the way Python, NumPy and PyTorch print them (so a Go cell's output
// can be compared with the original's line by line), running the original
// Python beside the Go (RunPython, DiffLines), comparison lines, tables,
// plots (Figure) and diagrams that render in GoNB and in exported HTML,
// prose whose numbers a cell fills in (Prose), values kept for later cells
// (SaveJSON, LoadJSON), and error handling that shows a clear message
// instead of a Go stack dump. Every display waits until what the cell
// printed before it has reached the notebook, so outputs keep their order.
package nb

import (
	"fmt"
	"html"
	"math"
	"os"
	"regexp"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// Must stops the cell with a one-line message if err is not nil: the message
// goes to standard error and the program exits with status 1, without a Go
// stack dump.
func Must(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

// Must1 returns v, or stops the cell like Must if err is not nil.
func Must1[T any](v T, err error) T {
	Must(err)
	return v
}

// MaxAbsDiff is max_i |a[i] - b[i]|, +Inf if the lengths differ.
func MaxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// Compare returns one line saying how got compares with want, in the style
// of Karpathy's makemore notebooks' cmp():
//
//	hidden | 逐位相同（最大差 0）
//	out    | 一致（最大差 5.96e-08 ≤ 1e-06）
//	h_n    | 不一致（最大差 0.5 > 1e-06）
//
// 逐位相同 (bit-identical) means every difference is 0, 一致 (agree) that
// every difference is at most tol, 不一致 that some is larger (or that the
// lengths differ: 最大差 +Inf). To print several comparisons with their
// columns aligned, use Comparisons; ComparisonVerdict reads a line back.
func Compare(name string, got, want []float64, tol float64) string {
	var c Comparisons
	c.Add(name, got, want, tol)
	return strings.TrimSuffix(c.String(), "\n")
}

// Comparisons is a list of comparisons (see Compare) that prints as aligned
// lines, the name column as wide as the longest name:
//
//	var c nb.Comparisons
//	c.Add("out", got, want, 1e-6)
//	c.Add("h_n", gotH, wantH, 1e-6)
//	fmt.Print(c)
type Comparisons struct {
	names []string
	diffs []float64
	tols  []float64
}

// Add compares got with want: 逐位相同 when every difference is 0, 一致
// when every difference is at most tol, 不一致 otherwise.
func (c *Comparisons) Add(name string, got, want []float64, tol float64) {
	c.names = append(c.names, name)
	c.diffs = append(c.diffs, MaxAbsDiff(got, want))
	c.tols = append(c.tols, tol)
}

// String is one line per comparison, in the order added.
func (c Comparisons) String() string {
	width := 0
	for _, n := range c.names {
		width = max(width, len([]rune(n)))
	}
	var sb strings.Builder
	for i, n := range c.names {
		d, verdict := c.diffs[i], ""
		switch {
		case d == 0:
			verdict = "逐位相同（最大差 0）"
		case d <= c.tols[i]:
			verdict = fmt.Sprintf("一致（最大差 %.3g ≤ %.3g）", d, c.tols[i])
		default:
			verdict = fmt.Sprintf("不一致（最大差 %.3g > %.3g）", d, c.tols[i])
		}
		fmt.Fprintf(&sb, "%s%s | %s\n", n, strings.Repeat(" ", width-len([]rune(n))), verdict)
	}
	return sb.String()
}

// comparisonLine matches a line printed by Compare or Comparisons.
var comparisonLine = regexp.MustCompile(`(?m)^(.*?)\s*\| (逐位相同|一致|不一致)（最大差 ([^ ）]+)`)

// ComparisonVerdicts reads back the lines Compare and Comparisons printed
// in text: for each, its name and whether it agreed (逐位相同 or 一致),
// in order. Tests of notebooks use it.
func ComparisonVerdicts(text string) (names []string, agree []bool) {
	for _, m := range comparisonLine.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
		agree = append(agree, m[2] != "不一致")
	}
	return names, agree
}

// IsNotebook reports whether the program runs in a GoNB cell.
func IsNotebook() bool { return gonbui.IsNotebook }

// Table shows a table: in a notebook as HTML, with Markdown and plain-text
// copies for the export formats that take no HTML; as aligned text otherwise.
func Table(headers []string, rows [][]string) {
	if gonbui.IsNotebook {
		showTable(TableHTML(headers, rows), headers, rows)
		return
	}
	fmt.Print(TableText(headers, rows))
}

// TableHTML renders a table as HTML (cells are escaped).
func TableHTML(headers []string, rows [][]string) string {
	var sb strings.Builder
	sb.WriteString(`<table style="border-collapse:collapse;font-family:monospace;font-size:13px">` + "\n<tr>")
	for _, h := range headers {
		fmt.Fprintf(&sb, `<th style="border:1px solid #bbb;padding:3px 8px;background:#eee;white-space:nowrap">%s</th>`, html.EscapeString(h))
	}
	sb.WriteString("</tr>\n")
	for _, row := range rows {
		sb.WriteString("<tr>")
		for _, c := range row {
			fmt.Fprintf(&sb, `<td style="border:1px solid #bbb;padding:3px 8px;text-align:right;white-space:nowrap">%s</td>`, html.EscapeString(c))
		}
		sb.WriteString("</tr>\n")
	}
	sb.WriteString("</table>\n")
	return sb.String()
}

// TableText renders a table as aligned plain text.
func TableText(headers []string, rows [][]string) string {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = len([]rune(h))
	}
	for _, row := range rows {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], len([]rune(c)))
			}
		}
	}
	var sb strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				sb.WriteString(" | ")
			}
			if i < len(widths) {
				sb.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))))
			}
			sb.WriteString(c)
		}
		sb.WriteByte('\n')
	}
	line(headers)
	seps := make([]string, len(headers))
	for i, w := range widths {
		seps[i] = strings.Repeat("-", w)
	}
	line(seps)
	for _, row := range rows {
		line(row)
	}
	return sb.String()
}

// HTML displays raw HTML in a notebook, in order with what the cell printed
// before and after it (see Flush); outside a notebook it prints nothing.
func HTML(s string) {
	if gonbui.IsNotebook {
		waitStdout()
		gonbui.DisplayHTML(s)
		Flush()
	}
}

// Markdown displays Markdown in a notebook (rendered, in order with what the
// cell prints, like HTML); outside a notebook it prints the text.
func Markdown(s string) {
	if gonbui.IsNotebook {
		waitStdout()
		gonbui.DisplayMarkdown(s)
		Flush()
		return
	}
	fmt.Println(s)
}

// Flush waits until GoNB has published everything displayed so far. A cell's
// program may otherwise exit before a display written just before the end
// reaches the notebook (seen here: a table at the end of a cell went
// missing), and lines printed after a display could overtake it. The
// display functions of this package flush by themselves; call Flush after
// displaying through gonbui directly.
func Flush() {
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
}
