package notebooks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
)

// What the prose of a handed-in notebook must be (issue "One voice, all
// true"): Chinese with full-width punctuation, no doubled English
// paragraphs, no template residue, and every number it quotes true to an
// output of the same notebook.

var (
	// decimalNumber is a number with a decimal point or an exponent, as a
	// sentence quotes a result: 0.776, 5.96e-08, 2.6, 1e-6.
	decimalNumber = regexp.MustCompile(`\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE]-\d+`)
	// halfWidthComma is a half-width ",", ";" or ":" right after a Chinese
	// character (and before a space or the end of a line).
	halfWidthComma = regexp.MustCompile(`\p{Han}[,;:](?:\s|$)`)
	// italicParagraph is a paragraph wholly in *…* or _…_.
	italicParagraph = regexp.MustCompile(`(?s)^(\*[^*].*[^*]\*|_[^_].*[^_]_)$`)
	// italicSpan is an italic span inside a paragraph: *…* (not **bold**).
	italicSpan = regexp.MustCompile(`(?:^|[^*])\*([^*\n]+)\*(?:[^*]|$)`)
	codeSpan   = regexp.MustCompile("(?s)```.*?```|`[^`]*`|\\$\\$.*?\\$\\$|\\$[^$\n]*\\$")
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
	mdLink     = regexp.MustCompile(`\]\([^)]*\)`)
)

// resultsFiles are the files a notebook loads its quoted results from.
var resultsFiles = map[string][]string{
	"02-hello-ohlol":     {"data/02-hello-results.json"},
	"03-encoder-decoder": {"data/03-mathor-results.json"},
	"04-written-answers": {"data/05-theory-results.json", "data/02-hello-results.json", "data/03-mathor-results.json"},
	"05-theory":          {"data/05-theory-results.json"},
}

// homeworkNumbers are numbers the homework's own text states
// (../shared/seed): its code sets every weight and input to 1.0 and 0.0.
var homeworkNumbers = []string{"0.0", "1.0"}

// prose returns a Markdown text without its code spans, code blocks,
// formulas, link targets and HTML tags: what a reader reads as sentences.
func prose(md string) string {
	md = codeSpan.ReplaceAllString(md, " ")
	md = mdLink.ReplaceAllString(md, "]")
	return htmlTag.ReplaceAllString(md, " ")
}

// latinShare is the share of letters in s that are Latin.
func latinShare(s string) float64 {
	var latin, letters int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if r < 0x250 {
				latin++
			}
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(latin) / float64(letters)
}

// proseProblems lists what breaks the rules above in one notebook: its
// Markdown cells and the Markdown it displays (nb.Prose, nb.Markdown).
func proseProblems(nb *nbrun.Notebook, name string, sources string) []string {
	var problems []string
	type text struct{ where, md string }
	var texts []text
	for _, c := range nb.Cells {
		if c.Type == "markdown" {
			texts = append(texts, text{fmt.Sprintf("markdown cell %d", c.Index), c.Source})
		}
		for k, o := range c.Outputs {
			if md, ok := o.Data["text/markdown"]; ok && !strings.HasPrefix(strings.TrimSpace(md), "|") {
				texts = append(texts, text{fmt.Sprintf("cell %d, output %d (Markdown)", c.Index, k), md})
			}
		}
	}
	outputs := nb.Text() + "\n" + sources
	for _, t := range texts {
		if strings.Contains(t.md, "{{") {
			problems = append(problems, fmt.Sprintf("%s: template residue {{", t.where))
		}
		p := prose(t.md)
		if m := halfWidthComma.FindString(p); m != "" {
			problems = append(problems, fmt.Sprintf("%s: half-width punctuation after a Chinese character (%q): use ，；：", t.where, m))
		}
		for _, para := range strings.Split(t.md, "\n\n") {
			para = strings.TrimSpace(para)
			if italicParagraph.MatchString(para) && latinShare(prose(para)) > 0.8 {
				problems = append(problems, fmt.Sprintf("%s: an italic English paragraph (%.40q…)", t.where, para))
				continue
			}
			for _, m := range italicSpan.FindAllStringSubmatch(prose(para), -1) {
				if latinShare(m[1]) > 0.8 && len(strings.Fields(m[1])) >= 5 {
					problems = append(problems, fmt.Sprintf("%s: an italic English translation (%.40q…)", t.where, m[1]))
				}
			}
		}
		for _, n := range decimalNumber.FindAllString(p, -1) {
			if !strings.Contains(outputs, n) {
				problems = append(problems, fmt.Sprintf("%s: the number %s is in no output of %s, no results file it loads, nor the homework's text", t.where, n, name))
			}
		}
	}
	return problems
}

// TestProse checks the committed notebooks' prose (see proseProblems).
func TestProse(t *testing.T) {
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	for _, path := range paths {
		name := strings.TrimSuffix(path, ".ipynb")
		t.Run(name, func(t *testing.T) {
			nb, err := nbrun.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			sources := strings.Join(homeworkNumbers, "\n")
			for _, f := range resultsFiles[name] {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				sources += "\n" + string(b)
			}
			problems := proseProblems(nb, name, sources)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// TestProseProblems proves proseProblems catches each rule's breach.
func TestProseProblems(t *testing.T) {
	nb := &nbrun.Notebook{Path: "x.ipynb", Cells: []nbrun.Cell{
		{Index: 0, Type: "markdown", Source: "损失降到 0.25，随后下降, 然后不变。\n\n*The loss falls to 0.25, then stays.*\n\n心得：{{.Loss}}"},
		{Index: 1, Type: "code", Outputs: []nbrun.Output{{Type: "stream", Data: map[string]string{"text/plain": "loss 0.25\n"}}}},
		{Index: 2, Type: "markdown", Source: "准确率为 0.776（`rate = 0.5`），最大差 6e-8。"},
		{Index: 4, Type: "markdown", Source: "输入是 [嵌入; 上下文]，时间: 3 秒。"},
		{Index: 3, Type: "markdown", Source: "第一个单元 — *the first cell makes the packages importable:*\n\n**粗体** 与 *N → M*。"},
	}}
	got := strings.Join(proseProblems(nb, "x", ""), "\n")
	for _, want := range []string{"markdown cell 0: half-width punctuation", "markdown cell 4: half-width punctuation", "markdown cell 0: an italic English paragraph", "markdown cell 0: template residue",
		"markdown cell 2: the number 0.776", "markdown cell 2: the number 6e-8", "markdown cell 3: an italic English translation"} {
		if !strings.Contains(got, want) {
			t.Errorf("proseProblems misses %q; got:\n%s", want, got)
		}
	}
	for _, clean := range []string{"the number 0.25", "the number 0.5"} {
		if strings.Contains(got, clean) {
			t.Errorf("proseProblems flags %q, which is in an output or in code; got:\n%s", clean, got)
		}
	}
}
