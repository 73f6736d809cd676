package notebooks

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

// exportNotebook is the notebook the export test hands in: it has a diagram,
// a plot, tables and formulas.
const exportNotebook = "01-srn"

var (
	mdImage   = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)\)`)
	pdfPages  = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)
	pdfSizeA4 = regexp.MustCompile(`(?m)^Page size:.*\(A4\)`)
	spaces    = regexp.MustCompile(`\s+`)
)

// requireTools returns the path of each command, skipping the test where one
// is missing — or failing it, with RNNGO_REQUIRE_EXPORT=1 (scripts/test.sh
// sets it where setup installed them).
func requireTools(t *testing.T, names ...string) []string {
	t.Helper()
	var paths []string
	for _, name := range names {
		p, err := exec.LookPath(name)
		if err != nil {
			msg := name + " is not installed (scripts/setup.sh --browser installs chromium, poppler-utils, librsvg2-bin)"
			if os.Getenv("RNNGO_REQUIRE_EXPORT") == "1" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestExportMarkdownAndPDF hands notebook 01 in as a blog post and as a PDF
// (scripts/export.sh --markdown --pdf, from its committed outputs) and
// checks what a reader of each would get: in the .md every figure is a PNG
// file beside it, tables are Markdown, no inline SVG; the PDF is A4 with its
// fonts embedded, holds the notebook's Chinese title, a number the notebook
// prints, and every figure (their titles are text in the vector drawing).
func TestExportMarkdownAndPDF(t *testing.T) {
	requireJupyter(t)
	chromium := os.Getenv("RNNGO_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		requireTools(t, chromium)
	}
	requireTools(t, "pdfinfo", "pdftotext", "pdffonts", "rsvg-convert")

	nb, err := nbrun.Read(exportNotebook + ".ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if figureOrDiagram(o.Data["text/html"]) {
				titles = append(titles, strings.TrimPrefix(o.Data["text/plain"], "图："))
			}
		}
	}
	if len(titles) < 2 {
		t.Fatalf("%s shows %d figures; the test wants a notebook with figures", exportNotebook, len(titles))
	}

	out := t.TempDir()
	cmd := exec.Command("../scripts/export.sh", "--markdown", "--pdf", "--out", out, "--executed", ".", exportNotebook+".ipynb")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("export.sh: %v\n%s", err, b)
	}

	// Markdown: PNG files beside it, Markdown tables, no inline SVG.
	mdPath := filepath.Join(out, "markdown", exportNotebook+".md")
	md, err := os.ReadFile(mdPath)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(md, []byte("<svg")) {
		t.Errorf("%s has inline SVG", mdPath)
	}
	links := mdImage.FindAllSubmatch(md, -1)
	if len(links) < len(titles) {
		t.Errorf("%s links %d images, the notebook shows %d figures", mdPath, len(links), len(titles))
	}
	for _, l := range links {
		rel := string(l[1])
		if filepath.IsAbs(rel) || strings.Contains(rel, "://") || !strings.HasSuffix(rel, ".png") {
			t.Errorf("%s links %q: want a relative .png file", mdPath, rel)
			continue
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(mdPath), rel))
		if err != nil {
			t.Errorf("%s links %q: %v", mdPath, rel, err)
		} else if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s links %q, which is not a PNG", mdPath, rel)
		}
	}
	if !bytes.Contains(md, []byte("| --- |")) {
		t.Errorf("%s has no Markdown table", mdPath)
	}

	// PDF: opens, A4, plausible length, fonts embedded, the title, a number, the figures.
	pdf := filepath.Join(out, "pdf", exportNotebook+".pdf")
	info := run(t, "pdfinfo", pdf)
	m := pdfPages.FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo %s:\n%s", pdf, info)
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 || n > 200 {
		t.Errorf("%s has %d pages", pdf, n)
	}
	if !pdfSizeA4.MatchString(info) {
		t.Errorf("%s is not A4:\n%s", pdf, info)
	}
	for _, line := range strings.Split(run(t, "pdffonts", pdf), "\n")[2:] {
		if f := strings.Fields(line); len(f) >= 5 && !slicesContainsYes(f) {
			t.Errorf("%s: a font is not embedded: %s", pdf, line)
		}
	}
	text := spaces.ReplaceAllString(run(t, "pdftotext", pdf, "-"), "")
	for _, want := range append([]string{"实现SRN", "1.9280551601516338"}, titles...) {
		if !strings.Contains(text, spaces.ReplaceAllString(want, "")) {
			t.Errorf("%s: pdftotext does not find %q", pdf, want)
		}
	}
}

// slicesContainsYes reads pdffonts' "emb" column: the first "yes"/"no"
// field of a font's line.
func slicesContainsYes(fields []string) bool {
	for _, f := range fields {
		if f == "yes" || f == "no" {
			return f == "yes"
		}
	}
	return false
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	b, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, b)
	}
	return string(b)
}
