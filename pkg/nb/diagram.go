package nb

import (
	"fmt"
	"html"
	"strings"
)

// Pattern names a way of mapping an input sequence to an output sequence.
type Pattern int

const (
	// NToN reads N inputs and emits one output per step (hello → ohlol).
	NToN Pattern = iota
	// NToOne reads N inputs and emits one output after the last (classifying a sequence).
	NToOne
	// NToM encodes N inputs into a context vector, then decodes M outputs,
	// each fed back as the next input (the encoder–decoder, man → women).
	NToM
)

// DiagramSVG draws an unrolled RNN for the pattern: inputs at the bottom,
// hidden states (boxes) in the middle, outputs at the top, arrows for the
// recurrence. For NToM the encoder's last state is the context vector c
// from which the decoder starts. It returns standalone SVG.
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
		add(`<text x="%d" y="%d" font-size="12" fill="#555">encoder</text>`, x0, yIn+40)
		add(`<text x="%d" y="%d" font-size="12" fill="#555">decoder (each output fed back as the next input)</text>`, decStart, yIn+40)
		width = decStart + len(outputs)*step
	}
	width += 10
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

// Diagram displays DiagramSVG in a notebook; outside one it prints its title.
func Diagram(p Pattern, title string, inputs, outputs []string) {
	if IsNotebook() {
		HTML("<div>" + DiagramSVG(p, title, inputs, outputs) + "</div>")
		return
	}
	fmt.Println(title)
}
