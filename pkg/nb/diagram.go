package nb

import (
	"fmt"
	"html"
	"strings"
)

// Pattern names a way of mapping an input sequence to an output sequence.
type Pattern int

const (
	// NToN reads N inputs and emits one output per step (hello → ohlol):
	// the book's 同步的序列到序列 (synchronous sequence to sequence).
	NToN Pattern = iota
	// NToOne reads N inputs and emits one output after the last (classifying
	// a sequence): the book's 序列到类别 (sequence to class).
	NToOne
	// NToM encodes N inputs into a context vector, then decodes M outputs
	// (the encoder–decoder, man → women): the book's 异步的序列到序列
	// (asynchronous sequence to sequence). The decoder's inputs are drawn as
	// in training: the start symbol S, then the true previous character
	// (teacher forcing).
	NToM
	// OneToN reads one input and emits an output at every step (generating a
	// sequence from one thing, e.g. a caption from an image).
	OneToN
)

// DiagramSVG draws an unrolled RNN for the pattern: inputs at the bottom,
// hidden states (boxes) in the middle, outputs at the top, arrows for the
// recurrence. For NToM the encoder's last state is the context vector c
// from which the decoder starts; for OneToN the single input enters the
// first step and the chain is as long as the outputs. It returns standalone
// SVG.
func DiagramSVG(p Pattern, title string, inputs, outputs []string) string {
	const (
		cellW, cellH, gap = 46, 30, 28
		yIn, yH, yOut     = 170, 105, 30
	)
	var cells []string // one SVG fragment per element
	add := func(format string, args ...any) { cells = append(cells, fmt.Sprintf(format, args...)) }
	esc := html.EscapeString
	box := func(x, y int, label, fill string) {
		add(`<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#444"/>`, x, y, cellW, cellH, fill)
		add(`<text x="%d" y="%d" text-anchor="middle" font-size="14">%s</text>`, x+cellW/2, y+cellH/2+5, esc(label))
	}
	arrow := func(x1, y1, x2, y2 int) {
		add(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1.5" marker-end="url(#arr)"/>`, x1, y1, x2, y2)
	}
	label := func(x, y int, s string) {
		add(`<text x="%d" y="%d" text-anchor="middle" font-size="14" font-family="monospace">%s</text>`, x, y, esc(s))
	}
	step := cellW + gap
	x0 := 20
	prevX := -1
	chain := func(n int, startX int, fill string, names func(i int) string) (lastX int) {
		for i := range n {
			x := startX + i*step
			box(x, yH, names(i), fill)
			if prevX >= 0 {
				arrow(prevX+cellW, yH+cellH/2, x, yH+cellH/2)
			}
			prevX = x
		}
		return prevX
	}
	width := 0
	switch p {
	case OneToN:
		chain(len(outputs), x0, "#dbeafe", func(i int) string { return fmt.Sprintf("h%d", i+1) })
		if len(inputs) > 0 {
			label(x0+cellW/2, yIn+20, inputs[0])
			arrow(x0+cellW/2, yIn, x0+cellW/2, yH+cellH+2)
		}
		for i, out := range outputs {
			x := x0 + i*step
			arrow(x+cellW/2, yH, x+cellW/2, yOut+24)
			label(x+cellW/2, yOut+16, out)
		}
		width = x0 + len(outputs)*step
	case NToN, NToOne:
		chain(len(inputs), x0, "#dbeafe", func(i int) string { return fmt.Sprintf("h%d", i+1) })
		for i, in := range inputs {
			x := x0 + i*step
			label(x+cellW/2, yIn+20, in)
			arrow(x+cellW/2, yIn, x+cellW/2, yH+cellH+2)
			if p == NToN && i < len(outputs) {
				arrow(x+cellW/2, yH, x+cellW/2, yOut+24)
				label(x+cellW/2, yOut+16, outputs[i])
			}
		}
		if p == NToOne && len(outputs) > 0 {
			x := x0 + (len(inputs)-1)*step
			arrow(x+cellW/2, yH, x+cellW/2, yOut+24)
			label(x+cellW/2, yOut+16, outputs[0])
		}
		width = x0 + len(inputs)*step
	case NToM:
		last := chain(len(inputs), x0, "#dbeafe", func(i int) string { return fmt.Sprintf("h%d", i+1) })
		for i, in := range inputs {
			x := x0 + i*step
			label(x+cellW/2, yIn+20, in)
			arrow(x+cellW/2, yIn, x+cellW/2, yH+cellH+2)
		}
		cx := last + step
		box(cx, yH, "c", "#fde68a")
		arrow(last+cellW, yH+cellH/2, cx, yH+cellH/2)
		prevX = cx
		decStart := cx + step
		chain(len(outputs), decStart, "#dcfce7", func(i int) string { return fmt.Sprintf("s%d", i+1) })
		for i, out := range outputs {
			x := decStart + i*step
			in := "S"
			if i > 0 {
				in = outputs[i-1]
			}
			label(x+cellW/2, yIn+20, in)
			arrow(x+cellW/2, yIn, x+cellW/2, yH+cellH+2)
			arrow(x+cellW/2, yH, x+cellW/2, yOut+24)
			label(x+cellW/2, yOut+16, out)
		}
		add(`<text x="%d" y="%d" font-size="12" fill="#555">编码器 encoder</text>`, x0, yIn+40)
		add(`<text x="%d" y="%d" font-size="12" fill="#555">解码器 decoder: 输入 S 与上一个真实字符 (training: S, then the true previous character)</text>`, decStart, yIn+40)
		width = max(decStart+len(outputs)*step, decStart+540) // room for the caption
	}
	width = max(width+10, textWidth(title, 13)+20) // the title must fit too
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="220" viewBox="0 0 %d 220" font-family="sans-serif">`, width, width)
	sb.WriteString(`<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`)
	fmt.Fprintf(&sb, `<text x="10" y="14" font-size="13" font-weight="bold">%s</text>`, esc(title))
	for _, c := range cells {
		sb.WriteString(c)
	}
	sb.WriteString("</svg>")
	return sb.String()
}

// DiagramHTML wraps the SVG of a diagram (no axes) for display, marked as
// one (class "nb-diagram"), so that the notebook tests do not take it for a
// plot without axis labels.
func DiagramHTML(svg string) string { return `<div class="nb-diagram">` + svg + `</div>` }

// Diagram displays DiagramSVG in a notebook; outside one it prints its title.
func Diagram(p Pattern, title string, inputs, outputs []string) {
	if IsNotebook() {
		svg := DiagramSVG(p, title, inputs, outputs)
		ShowFigure(DiagramHTML(svg), svg, title)
		return
	}
	fmt.Println(title)
}

// textWidth estimates the width in pixels of s in a sans-serif font of the
// given size: wide (CJK) characters take about 1.05 em, others about 0.6 em.
func textWidth(s string, size float64) int {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 1.05 * size
		} else {
			w += 0.6 * size
		}
	}
	return int(w + 0.5)
}

// SRNDiagramSVG draws the homework's simple recurrent network with its
// weight names, wired as its NumPy code computes it:
//
//	in_h1 = w1·x1 + w3·x2 + U2·s1 + U4·s2    y1 = w5·h1 + w7·h2
//	in_h2 = w2·x1 + w4·x2 + U1·s1 + U3·s2    y2 = w6·h1 + w8·h2
//
// where s1, s2 (state_t) are the previous step's h1, h2 and h = f(in_h)
// (part (1): no activation, part (2): tanh). Inputs and the state at the
// bottom, the hidden units in the middle, the outputs at the top; each
// connection is labelled near its source. It returns standalone SVG.
func SRNDiagramSVG(title string) string {
	type node struct {
		x, y        int
		width       int
		label, fill string
	}
	const boxH = 30
	nodes := map[string]node{
		"x1": {60, 350, 56, "x1", "#e5e7eb"}, "x2": {200, 350, 56, "x2", "#e5e7eb"},
		"s1": {400, 350, 100, "s1=h1(t-1)", "#fde68a"}, "s2": {540, 350, 100, "s2=h2(t-1)", "#fde68a"},
		"h1": {230, 200, 100, "h1", "#dbeafe"}, "h2": {370, 200, 100, "h2", "#dbeafe"},
		"y1": {230, 60, 100, "y1", "#dcfce7"}, "y2": {370, 60, 100, "y2", "#dcfce7"},
	}
	// Each edge: from, to, label, and where it leaves the source's top and
	// enters the target's bottom (offsets from their centres), so that no
	// two lines share an end.
	type edge struct {
		from, to, label string
		out, in         int
	}
	edges := []edge{
		{"x1", "h1", "w1", -8, -36}, {"x1", "h2", "w2", 8, -36}, {"x2", "h1", "w3", -8, -12}, {"x2", "h2", "w4", 8, -12},
		{"s1", "h1", "U2", -8, 12}, {"s1", "h2", "U1", 8, 12}, {"s2", "h1", "U4", -8, 36}, {"s2", "h2", "U3", 8, 36},
		{"h1", "y1", "w5", -20, -20}, {"h1", "y2", "w6", 20, -20}, {"h2", "y1", "w7", -20, 20}, {"h2", "y2", "w8", 20, 20},
	}
	var sb strings.Builder
	const width, height = 720, 470
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`, width, height, width, height)
	sb.WriteString(`<defs><marker id="srnarr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`)
	fmt.Fprintf(&sb, `<text x="10" y="18" font-size="14" font-weight="bold">%s</text>`, html.EscapeString(title))
	for _, e := range edges {
		from, to := nodes[e.from], nodes[e.to]
		x1, y1, x2, y2 := from.x+e.out, from.y-boxH/2, to.x+e.in, to.y+boxH/2
		fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1.3" marker-end="url(#srnarr)"/>`, x1, y1, x2, y2)
		lx, ly := float64(x1)+0.28*float64(x2-x1), float64(y1)+0.28*float64(y2-y1)
		fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="24" height="16" rx="3" fill="white" stroke="#bbb"/>`, lx-12, ly-8)
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="12" font-family="monospace">%s</text>`, lx, ly+4, e.label)
	}
	for _, name := range []string{"x1", "x2", "s1", "s2", "h1", "h2", "y1", "y2"} {
		n := nodes[name]
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="%s" stroke="#444"/>`, n.x-n.width/2, n.y-boxH/2, n.width, boxH, n.fill)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="middle" font-size="14">%s</text>`, n.x, n.y+5, html.EscapeString(n.label))
	}
	for _, t := range [][3]any{{480, 65, "输出层 output y"}, {480, 205, "隐藏层 hidden h"}, {600, 355, "记忆 state_t"}, {60, 385, "输入 input"}} {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#555">%s</text>`, t[0], t[1], t[2])
	}
	for i, line := range []string{
		"in_h1 = w1·x1 + w3·x2 + U2·s1 + U4·s2      y1 = w5·h1 + w7·h2",
		"in_h2 = w2·x1 + w4·x2 + U1·s1 + U3·s2      y2 = w6·h1 + w8·h2",
		"h = f(in_h): (1) 无激活 no activation, (2) tanh;   state_t = (h1, h2) 留给下一步 for the next step",
	} {
		fmt.Fprintf(&sb, `<text x="20" y="%d" font-size="12" font-family="monospace" fill="#333" xml:space="preserve">%s</text>`, 415+i*20, html.EscapeString(line))
	}
	sb.WriteString("</svg>")
	return sb.String()
}

// SRNDiagram displays SRNDiagramSVG in a notebook; outside one it prints
// its title.
func SRNDiagram(title string) {
	if IsNotebook() {
		svg := SRNDiagramSVG(title)
		ShowFigure(DiagramHTML(svg), svg, title)
		return
	}
	fmt.Println(title)
}
