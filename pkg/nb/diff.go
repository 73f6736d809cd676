package nb

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// DiffOptions say which differences between two outputs are expected, so
// that they are shown but not counted.
type DiffOptions struct {
	// Ignore, if set, is deleted from every line of both sides before they
	// are compared (the lines are shown as printed): what one side prints and
	// the other cannot, e.g. PyTorch's ", grad_fn=<AddmmBackward0>".
	Ignore *regexp.Regexp
	// Why says in a few words what Ignore leaves out, for the summary line.
	Why string
}

// DiffRow is one row of a line-by-line comparison: a line of each side
// (HasLeft or HasRight false where that side has no line there) and whether
// the two are the same.
type DiffRow struct {
	Left, Right       string
	HasLeft, HasRight bool
	Same              bool
	// Ignored is true for a row whose lines are the same only once
	// DiffOptions.Ignore is deleted from them: it is shown as "≈", not "=".
	Ignored bool
}

// Diff is two outputs compared line by line: the rows of a side-by-side
// view, lines aligned on their longest common subsequence.
type Diff struct {
	Rows []DiffRow
	// Same counts the rows whose two lines agree.
	Same int
	Opts DiffOptions
}

// DiffLines compares left and right line by line. Lines that agree (after
// deleting opts.Ignore from both) are aligned as in a diff; in between, a
// left line and a right line that differ share a row, and extra lines have
// a row to themselves.
func DiffLines(left, right string, opts DiffOptions) Diff {
	a, b := splitLines(left), splitLines(right)
	key := func(s string) string {
		if opts.Ignore != nil {
			s = opts.Ignore.ReplaceAllString(s, "")
		}
		return s
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if key(a[i]) == key(b[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	d := Diff{Opts: opts}
	var onlyA, onlyB []string
	flush := func() {
		for k := 0; k < max(len(onlyA), len(onlyB)); k++ {
			row := DiffRow{}
			if k < len(onlyA) {
				row.Left, row.HasLeft = onlyA[k], true
			}
			if k < len(onlyB) {
				row.Right, row.HasRight = onlyB[k], true
			}
			d.Rows = append(d.Rows, row)
		}
		onlyA, onlyB = nil, nil
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && key(a[i]) == key(b[j]):
			flush()
			d.Rows = append(d.Rows, DiffRow{Left: a[i], Right: b[j], HasLeft: true, HasRight: true, Same: true, Ignored: a[i] != b[j]})
			d.Same++
			i, j = i+1, j+1
		case j == len(b) || (i < len(a) && lcs[i+1][j] >= lcs[i][j+1]):
			onlyA = append(onlyA, a[i])
			i++
		default:
			onlyB = append(onlyB, b[j])
			j++
		}
	}
	flush()
	return d
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Equal reports whether every line agrees.
func (d Diff) Equal() bool { return d.Same == len(d.Rows) }

// String is the summary line: "逐行比较：45 行中 45 行相同", with what was
// left out of the comparison (the rows marked ≈) and which rows differ.
func (d Diff) String() string {
	s := fmt.Sprintf("逐行比较：%d 行中 %d 行相同", len(d.Rows), d.Same)
	var differ, ignored []string
	for k, r := range d.Rows {
		switch {
		case !r.Same:
			differ = append(differ, fmt.Sprint(k+1))
		case r.Ignored:
			ignored = append(ignored, fmt.Sprint(k+1))
		}
	}
	if len(ignored) > 0 {
		s += fmt.Sprintf("，其中第 %s 行（≈）只在%s上不同，不计入比较", strings.Join(ignored, "、"), d.Opts.Why)
	}
	if len(differ) > 0 {
		s += "；不同的行：" + strings.Join(differ, "、")
	}
	return s
}

// mark is the last column of a row: = the same, ≈ the same once
// DiffOptions.Ignore is left out, ≠ different.
func (r DiffRow) mark() string {
	switch {
	case !r.Same:
		return "≠"
	case r.Ignored:
		return "≈"
	}
	return "="
}

// HTML renders the comparison as a table: row number, the two sides' lines
// as printed, and =, ≈ or ≠ (see DiffRow); differing rows are shaded.
func (d Diff) HTML(leftTitle, rightTitle string) string {
	var sb strings.Builder
	cell := `<td style="border:1px solid #ccc;padding:1px 8px;text-align:left;white-space:pre;font-family:monospace">%s</td>`
	sb.WriteString(`<table style="border-collapse:collapse;font-size:12px">` + "\n<tr>")
	for _, h := range []string{"#", leftTitle, rightTitle, ""} {
		fmt.Fprintf(&sb, `<th style="border:1px solid #ccc;padding:2px 8px;background:#eee;text-align:left">%s</th>`, html.EscapeString(h))
	}
	sb.WriteString("</tr>\n")
	for k, r := range d.Rows {
		mark, style := r.mark(), ""
		if !r.Same {
			style = ` style="background:#fde2e2"`
		}
		fmt.Fprintf(&sb, "<tr%s>", style)
		fmt.Fprintf(&sb, cell, fmt.Sprint(k+1))
		fmt.Fprintf(&sb, cell, html.EscapeString(r.Left))
		fmt.Fprintf(&sb, cell, html.EscapeString(r.Right))
		fmt.Fprintf(&sb, cell, mark)
		sb.WriteString("</tr>\n")
	}
	sb.WriteString("</table>\n")
	return sb.String()
}

// Show displays the comparison (the table in a notebook, aligned text
// otherwise), then prints the summary line.
func (d Diff) Show(leftTitle, rightTitle string) {
	headers := []string{"#", leftTitle, rightTitle, ""}
	rows := make([][]string, len(d.Rows))
	for k, r := range d.Rows {
		rows[k] = []string{fmt.Sprint(k + 1), r.Left, r.Right, r.mark()}
	}
	if IsNotebook() {
		showTable(d.HTML(leftTitle, rightTitle), headers, rows)
	} else {
		fmt.Print(TableText(headers, rows))
	}
	fmt.Println(d)
}
