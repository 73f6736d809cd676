package nb

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// What every figure and table a notebook shows carries, so that each way of
// handing the notebook in finds a form it can use: JupyterLab and the HTML
// export take text/html (the SVG inline, as before); nbconvert's Markdown
// export takes image/png for figures (written as PNG files beside the .md)
// and text/markdown for tables; exporters that take neither HTML nor images
// fall back to text/plain.

// showBundle displays one output with several representations, in order
// with what the cell printed before it (see HTML).
func showBundle(data map[protocol.MIMEType]any) {
	if !gonbui.IsNotebook {
		return
	}
	waitStdout()
	gonbui.SendData(&protocol.DisplayData{Data: data})
	Flush()
}

// ShowFigure displays an SVG figure: as html (the SVG wrapped by FigureHTML
// or DiagramHTML), as image/svg+xml, as image/png (the SVG rasterised by
// PNG, where rsvg-convert is installed) and as text/plain (its title).
// Figure.Show, Heatmap.Show and the diagrams display through it.
func ShowFigure(html, svg, title string) {
	data := map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  html,
		protocol.MIMEImageSVG:  svg,
		protocol.MIMETextPlain: "图：" + title,
	}
	if png, err := PNG(svg); err == nil {
		data[protocol.MIMEImagePNG] = png
	}
	showBundle(data)
}

// PNGScale is how many PNG pixels PNG draws per SVG unit (point): 1.25
// keeps text sharp on paper and in a blog at a modest size.
const PNGScale = 1.25

var (
	rsvgOnce sync.Once
	rsvgPath string
)

// PNG rasterises an SVG figure on a white background with rsvg-convert
// (Debian: librsvg2-bin; scripts/setup.sh installs it), which draws text
// with the system's fonts through fontconfig, so Chinese labels come out in
// a CJK font such as Noto CJK. The error says when rsvg-convert is missing.
func PNG(svg string) ([]byte, error) {
	rsvgOnce.Do(func() { rsvgPath, _ = exec.LookPath("rsvg-convert") })
	if rsvgPath == "" {
		return nil, fmt.Errorf("nb.PNG: rsvg-convert is not installed (Debian: apt-get install librsvg2-bin)")
	}
	cmd := exec.Command(rsvgPath, "--format=png", fmt.Sprintf("--zoom=%g", PNGScale), "--background-color=white")
	cmd.Stdin = strings.NewReader(svg)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("nb.PNG: rsvg-convert: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

// showTable displays a table as html, as text/markdown (TableMarkdown) and
// as text/plain (TableText).
func showTable(html string, headers []string, rows [][]string) {
	showBundle(map[protocol.MIMEType]any{
		protocol.MIMETextHTML:     html,
		protocol.MIMETextMarkdown: TableMarkdown(headers, rows),
		protocol.MIMETextPlain:    TableText(headers, rows),
	})
}

// TableMarkdown renders a table as a GitHub-flavoured Markdown table (what
// blog editors take): "|" in a cell is escaped, line breaks become spaces,
// and an empty header is written as a space.
func TableMarkdown(headers []string, rows [][]string) string {
	esc := func(s string) string {
		s = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ").Replace(s)
		if strings.TrimSpace(s) == "" {
			return " "
		}
		return s
	}
	var sb strings.Builder
	line := func(cells []string) {
		sb.WriteString("|")
		for i := range headers {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			sb.WriteString(" " + esc(c) + " |")
		}
		sb.WriteString("\n")
	}
	line(headers)
	sb.WriteString("|")
	for range headers {
		sb.WriteString(" --- |")
	}
	sb.WriteString("\n")
	for _, r := range rows {
		line(r)
	}
	return sb.String()
}
