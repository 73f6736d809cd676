// Package notebooks holds the homework's notebooks; its tests execute each of
// them headless from a clean GoNB kernel and check their key outputs.
//
// The tests need Jupyter and the project's GoNB kernel (scripts/setup.sh;
// the README's test command does it). Without them they are skipped, unless
// RNNGO_REQUIRE_NOTEBOOKS=1 (set by scripts/test.sh), which makes a missing
// kernel a failure.
package notebooks

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
	"github.com/nndl-hw9/rnngo/internal/pyref"
	nbpkg "github.com/nndl-hw9/rnngo/pkg/nb"
)

// cellTimeout bounds a single cell; the slowest (notebook 03's training) takes
// well under a minute here.
const cellTimeout = 15 * time.Minute

// check verifies the key outputs of one executed notebook.
type check func(t *testing.T, nb *nbrun.Notebook)

// checks has an entry for every notebook in this directory; a notebook
// without one fails TestNotebooks.
var checks = map[string]check{}

func requireJupyter(t *testing.T) {
	t.Helper()
	if err := nbrun.Available(); err != nil {
		if os.Getenv("RNNGO_REQUIRE_NOTEBOOKS") == "1" {
			t.Fatalf("notebook tests required but cannot run: %v", err)
		}
		t.Skipf("notebook tests skipped: %v", err)
	}
}

func outDir(t *testing.T) string {
	if d := os.Getenv("RNNGO_EXECUTED_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

func TestNotebooks(t *testing.T) {
	requireJupyter(t)
	dir := outDir(t)
	checkEach(t, func(t *testing.T, path string) *nbrun.Notebook {
		nb, err := nbrun.Execute(context.Background(), path, dir, cellTimeout)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s executed in %s", path, nb.Elapsed.Round(time.Millisecond))
		return nb
	})
}

// TestCommittedNotebooks runs the same checks on the outputs committed in
// the notebooks (scripts/export.sh --update writes them), without Jupyter:
// the handed-in notebooks show what the checks expect, and every tag the
// checks use is in place.
func TestCommittedNotebooks(t *testing.T) {
	checkEach(t, func(t *testing.T, path string) *nbrun.Notebook {
		nb, err := nbrun.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return nb
	})
}

// checkEach runs, for every notebook in this directory, a subtest named
// after it: load gets the notebook (executed, or as committed), whose
// problems and registered checks then decide the subtest.
func checkEach(t *testing.T, load func(t *testing.T, path string) *nbrun.Notebook) {
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	if len(paths) < 4 {
		t.Fatalf("found %d notebooks (%v), want one per homework section (4)", len(paths), paths)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(path, ".ipynb")
		t.Run(name, func(t *testing.T) {
			chk, ok := checks[name]
			if !ok {
				t.Fatalf("no output checks registered for notebook %s", path)
			}
			nb := load(t, path)
			for _, p := range nb.Problems() {
				t.Error(p)
			}
			for _, p := range outputProblems(nb) {
				t.Error(p)
			}
			chk(t, nb)
		})
	}
}

// TestFailingNotebookIsCaught proves the harness fails on a broken notebook:
// a cell that does not compile, and a cell that panics (which GoNB reports
// as stderr text, not as an error output).
func TestFailingNotebookIsCaught(t *testing.T) {
	requireJupyter(t)
	nb, err := nbrun.Execute(context.Background(), filepath.Join("testdata", "failing.ipynb"), t.TempDir(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(nb.Problems(), "\n")
	for _, want := range []string{"cell 0: error output", "undefined: notDeclared", "cell 1: Go crash", "panic: deliberate"} {
		if !strings.Contains(problems, want) {
			t.Errorf("problems do not mention %q; got:\n%s", want, problems)
		}
	}
	if c := nb.Cells[2]; !strings.Contains(c.Text(), "still runs") {
		t.Errorf("cells after a failure should still run (allow_errors); cell 2 printed %q", c.Text())
	}
}

// cell returns the cell tagged tag (nbformat metadata.tags), failing the
// test if no cell or several carry it.
func cell(t *testing.T, nb *nbrun.Notebook, tag string) nbrun.Cell {
	t.Helper()
	c, err := nb.Tagged(tag)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cellText is what the cell tagged tag showed as text.
func cellText(t *testing.T, nb *nbrun.Notebook, tag string) string {
	t.Helper()
	return cell(t, nb, tag).Text()
}

// wantText fails the test unless every string appears in the notebook's outputs.
func wantText(t *testing.T, nb *nbrun.Notebook, wants ...string) {
	t.Helper()
	text := nb.Text()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: output does not contain %q", filepath.Base(nb.Path), w)
		}
	}
}

var (
	// italicNumber is a Markdown line that starts "*1. …": nbconvert's
	// renderer turns it into an empty list, losing the text, in the
	// exported HTML a student hands in.
	italicNumber = regexp.MustCompile(`(?m)^[ \t]*\*\d+\.\s`)
	svgStart     = regexp.MustCompile(`<svg[\s>]`)
	figureMark   = regexp.MustCompile(`<div class="nb-figure" data-xlabel="([^"]*)" data-ylabel="([^"]*)">`)
)

// outputProblems lists what a grader would see as broken in a notebook's
// outputs, in every notebook: an output with nothing in it (such as the
// empty display a progress bar used to leave), an SVG that is neither a
// diagram (nb.DiagramHTML) nor a plot marked with both axis labels that are
// drawn in it (nb.FigureHTML, which nb.Figure uses), and Markdown that the
// HTML export would drop (italicNumber).
func outputProblems(nb *nbrun.Notebook) []string {
	var problems []string
	for _, c := range nb.Cells {
		if c.Type == "markdown" && italicNumber.MatchString(c.Source) {
			problems = append(problems, fmt.Sprintf("cell %d: a line starts %q, which the HTML export renders as an empty list",
				c.Index, italicNumber.FindString(c.Source)))
		}
		for k, o := range c.Outputs {
			if o.Type == "error" {
				continue // reported by Problems
			}
			empty := true
			for _, v := range o.Data {
				if strings.TrimSpace(v) != "" {
					empty = false
				}
			}
			if empty {
				problems = append(problems, fmt.Sprintf("cell %d, output %d: an empty %s output (%s)", c.Index, k, o.Type, mimes(o)))
			}
			problems = append(problems, exportProblems(c.Index, k, o)...)
			for mime, v := range o.Data {
				if mime == "image/svg+xml" && figureOrDiagram(o.Data["text/html"]) {
					continue // the SVG copy of a figure shown as HTML (nb.ShowFigure)
				}
				problems = append(problems, svgProblems(c.Index, k, mime, v)...)
				if mime == "text/markdown" && italicNumber.MatchString(v) {
					problems = append(problems, fmt.Sprintf("cell %d, output %d: a line starts %q, which the HTML export renders as an empty list",
						c.Index, k, italicNumber.FindString(v)))
				}
			}
		}
	}
	return problems
}

// figureOrDiagram says whether an HTML output is a figure or a diagram.
func figureOrDiagram(html string) bool {
	return figureMark.MatchString(html) || strings.Contains(html, `<div class="nb-diagram">`)
}

// exportProblems checks that an output can be handed in in every format
// (scripts/export.sh): a figure or diagram shown as HTML also carries
// image/svg+xml and image/png (nb.ShowFigure), which the Markdown export
// writes as a PNG file; a table shown as HTML also carries text/markdown or
// text/plain (nb.Table), for the exporters that drop HTML.
func exportProblems(cell, output int, o nbrun.Output) []string {
	h := o.Data["text/html"]
	var problems []string
	if figureOrDiagram(h) {
		for _, mime := range []string{"image/svg+xml", "image/png"} {
			if strings.TrimSpace(o.Data[mime]) == "" {
				problems = append(problems, fmt.Sprintf("cell %d, output %d: a figure without an %s copy (show it with nb.ShowFigure; PNG needs rsvg-convert)", cell, output, mime))
			}
		}
	} else if strings.Contains(h, "<table") && o.Data["text/markdown"] == "" && o.Data["text/plain"] == "" {
		problems = append(problems, fmt.Sprintf("cell %d, output %d: a table without a text/markdown or text/plain copy (show it with nb.Table)", cell, output))
	}
	return problems
}

// svgProblems checks the SVGs of one output.
func svgProblems(cell, output int, mime, v string) []string {
	n := len(svgStart.FindAllStringIndex(v, -1))
	if mime == "image/svg+xml" || n == 0 {
		if mime == "image/svg+xml" {
			return []string{fmt.Sprintf("cell %d, output %d: a bare image/svg+xml output: display plots with nb.Figure (axis labels)", cell, output)}
		}
		return nil
	}
	diagrams := strings.Count(v, `<div class="nb-diagram">`)
	marks := figureMark.FindAllStringSubmatch(v, -1)
	var problems []string
	for _, m := range marks {
		for axis, label := range map[string]string{"x": m[1], "y": m[2]} {
			if strings.TrimSpace(label) == "" {
				problems = append(problems, fmt.Sprintf("cell %d, output %d: a plot without a %s-axis label", cell, output, axis))
			} else if !strings.Contains(v, ">"+html.EscapeString(html.UnescapeString(label))+"<") {
				problems = append(problems, fmt.Sprintf("cell %d, output %d: the %s-axis label %q is not drawn in the plot", cell, output, axis, label))
			}
		}
	}
	if n > diagrams+len(marks) {
		problems = append(problems, fmt.Sprintf("cell %d, output %d: %d SVG(s) neither a marked plot (nb.FigureHTML: axis labels) nor a diagram (nb.DiagramHTML)",
			cell, output, n-diagrams-len(marks)))
	}
	return problems
}

func mimes(o nbrun.Output) string {
	var m []string
	for k := range o.Data {
		m = append(m, k)
	}
	sort.Strings(m)
	return strings.Join(m, ", ")
}

// TestOutputProblems proves outputProblems catches an empty display, a plot
// without axis labels and an unmarked SVG, and passes a marked plot.
func TestOutputProblems(t *testing.T) {
	nb := &nbrun.Notebook{Cells: []nbrun.Cell{{Index: 0, Outputs: []nbrun.Output{
		{Type: "display_data", Data: map[string]string{"text/html": ""}},
		{Type: "display_data", Data: map[string]string{"text/html": `<div class="nb-figure" data-xlabel="轮次 epoch" data-ylabel=""><svg><text>轮次 epoch</text></svg></div>`}},
		{Type: "display_data", Data: map[string]string{"text/html": `<svg width="720"><text>loss</text></svg>`}},
		{Type: "display_data", Data: map[string]string{"text/html": `<div class="nb-figure" data-xlabel="a &amp; b" data-ylabel="loss"><svg><text>a &amp; b</text><text>loss</text></svg></div>`,
			"image/svg+xml": "<svg><text>a &amp; b</text><text>loss</text></svg>", "image/png": "iVBORw0KGgo="}},
		{Type: "display_data", Data: map[string]string{"text/html": `<div class="nb-diagram"><svg></svg></div>`, "image/svg+xml": "<svg></svg>", "image/png": "iVBORw0KGgo="}},
		{Type: "display_data", Data: map[string]string{"text/markdown": "**1. 中文**\n\n*1. English*"}},
		{Type: "display_data", Data: map[string]string{"text/html": `<div class="nb-diagram"><svg></svg></div>`}},
		{Type: "display_data", Data: map[string]string{"text/html": `<table><tr><td>1</td></tr></table>`}},
		{Type: "display_data", Data: map[string]string{"text/html": `<table><tr><td>1</td></tr></table>`, "text/markdown": "| 1 |"}},
	}}}}
	got := strings.Join(outputProblems(nb), "\n")
	for _, want := range []string{"output 0: an empty display_data output", "output 1: a plot without a y-axis label", "output 2: 1 SVG(s) neither",
		"output 5: a line starts \"*1. \"", "output 6: a figure without an image/svg+xml copy", "output 6: a figure without an image/png copy",
		"output 7: a table without a text/markdown"} {
		if !strings.Contains(got, want) {
			t.Errorf("outputProblems misses %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "output 3") || strings.Contains(got, "output 4") || strings.Contains(got, "output 8") {
		t.Errorf("a marked plot with both labels, or a diagram, is not a problem; got:\n%s", got)
	}
}

// verdicts counts the comparison lines (nb.Compare, nb.Comparisons) in
// text that agree (逐位相同 or 一致) and those that do not (不一致).
func verdicts(text string) (agree, disagree int) {
	_, ok := nbpkg.ComparisonVerdicts(text)
	for _, a := range ok {
		if a {
			agree++
		} else {
			disagree++
		}
	}
	return agree, disagree
}

var besideSummary = regexp.MustCompile(`逐行比较：(\d+) 行中 (\d+) 行相同`)

// besideGo checks a cell that shows one of tools/pytorch's scripts beside
// the Go (nb.PythonRun.Beside): every line agrees. Where the notebook was
// executed here and PyTorch is required (RNNGO_REQUIRE_PYTORCH=1, set by
// scripts/test.sh where setup installed it), the script must have run, not
// shown its recorded output; elsewhere the recorded output must agree too.
func besideGo(t *testing.T, nb *nbrun.Notebook, tag string) {
	t.Helper()
	text := cellText(t, nb, tag)
	m := besideSummary.FindStringSubmatch(text)
	if m == nil {
		t.Errorf("%s: no line-by-line summary:\n%s", tag, text)
		return
	}
	if m[1] != m[2] {
		t.Errorf("%s: the Python and the Go disagree (%s of %s lines the same):\n%s", tag, m[2], m[1], text)
	}
	// What printed it, the table, the summary: in that order (displays
	// synchronised with the lines printed around them).
	at := func(substr string) int {
		for k, o := range cell(t, nb, tag).Outputs {
			for _, v := range o.Data {
				if strings.Contains(v, substr) {
					return k
				}
			}
		}
		return -1
	}
	if label, table, summary := at("▶"), at("<table"), at("逐行比较"); !(0 <= label && label < table && table < summary) {
		t.Errorf("%s: outputs out of order: label at %d, table at %d, summary at %d", tag, label, table, summary)
	}
	live := strings.Contains(text, "刚刚运行的输出")
	switch {
	case live:
	case nb.Elapsed > 0 && os.Getenv("RNNGO_REQUIRE_PYTORCH") == "1":
		t.Errorf("%s: PyTorch is required (RNNGO_REQUIRE_PYTORCH=1) but the cell showed the recorded output:\n%s", tag, text)
	default:
		t.Logf("%s: the cell showed the recorded output (no PyTorch where it ran)", tag)
	}
}

// recordedOutput returns the output recorded in a testdata file that
// nb.RunPython shows where PyTorch is missing: the text after the "# "
// header lines and the blank line.
func recordedOutput(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for strings.HasPrefix(text, "# ") {
		_, text, _ = strings.Cut(text, "\n")
	}
	return strings.TrimPrefix(text, "\n")
}

// rerunRecording runs a tools/pytorch script where PyTorch is installed
// (pyref.Require) and checks it prints what testdata/recorded holds, with
// ignore deleted from both: the recording the notebooks show without
// PyTorch is what the script really prints.
func rerunRecording(t *testing.T, recorded string, ignore *regexp.Regexp, script string, args ...string) {
	py := pyref.Require(t, recorded)
	out, err := exec.Command(py, append([]string{script}, args...)...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", script, args, err)
	}
	got, want := string(out), recordedOutput(t, filepath.Join("testdata", recorded))
	if ignore != nil {
		got, want = ignore.ReplaceAllString(got, ""), ignore.ReplaceAllString(want, "")
	}
	if got != want {
		t.Errorf("%s %v now prints:\n%s\ntestdata/%s has:\n%s", script, args, got, recorded, want)
	}
}
