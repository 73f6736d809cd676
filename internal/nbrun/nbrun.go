// Package nbrun executes the project's notebooks headless, from a clean GoNB
// kernel, with jupyter nbconvert, and reads back what every cell printed.
//
// It is what the notebook tests, the export check and the benchmarks use. It
// expects the environment of scripts/env.sh (the project's GoNB kernel on
// JUPYTER_PATH); Available says whether that is in place.
package nbrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"
)

// KernelName is the Jupyter kernel every notebook of the project uses.
const KernelName = "gonb"

// Notebook is an executed notebook: its cells with their sources and outputs.
type Notebook struct {
	// Path of the executed copy (in the output directory given to Execute).
	Path string
	// Cells in order, markdown cells included (with no outputs).
	Cells []Cell
	// Elapsed is the wall time of the whole nbconvert run (kernel start included).
	Elapsed time.Duration
}

// Cell is one cell of an executed notebook.
type Cell struct {
	Index  int    // position in the notebook, from 0
	Type   string // "code" or "markdown"
	Source string
	// Tags are the cell's nbformat tags (metadata.tags; Jupyter edits them
	// in the property inspector): how tests find a cell (see Tagged).
	Tags []string
	// Outputs of a code cell, in order.
	Outputs []Output
}

// Output is one output of a code cell.
type Output struct {
	// Type is the nbformat output_type: "stream", "display_data",
	// "execute_result" or "error".
	Type string
	// Stream is "stdout" or "stderr" for stream outputs.
	Stream string
	// Data maps MIME types ("text/plain", "text/html", "image/svg+xml"...)
	// to their content, for display outputs; stream text is under "text/plain".
	Data map[string]string
	// ErrorName and ErrorValue describe an error output.
	ErrorName, ErrorValue string
}

// Text is everything the cell showed as text: streams, text/plain, text/html
// and text/markdown outputs, and error values, joined in order.
func (c Cell) Text() string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		for _, mime := range []string{"text/plain", "text/markdown", "text/html"} {
			if s, ok := o.Data[mime]; ok {
				sb.WriteString(s)
				if !strings.HasSuffix(s, "\n") {
					sb.WriteByte('\n')
				}
			}
		}
		if o.Type == "error" {
			sb.WriteString(o.ErrorName + ": " + o.ErrorValue + "\n")
		}
	}
	return sb.String()
}

// Has reports whether any output of the cell has the given MIME type.
func (c Cell) Has(mime string) bool {
	for _, o := range c.Outputs {
		if _, ok := o.Data[mime]; ok {
			return true
		}
	}
	return false
}

// Text is the text of all code cells' outputs, in order.
func (nb *Notebook) Text() string {
	var sb strings.Builder
	for _, c := range nb.Cells {
		sb.WriteString(c.Text())
	}
	return sb.String()
}

// Tagged returns the cell whose metadata tags include tag. Exactly one cell
// may carry a tag: a tag on no cell or on several is an error. Tests find
// cells this way, so that editing a cell's code does not lose its checks.
func (nb *Notebook) Tagged(tag string) (Cell, error) {
	var found []Cell
	for _, c := range nb.Cells {
		if slices.Contains(c.Tags, tag) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return Cell{}, fmt.Errorf("%s: no cell is tagged %q (nbformat metadata.tags)", filepath.Base(nb.Path), tag)
	case 1:
		return found[0], nil
	}
	idx := make([]int, len(found))
	for i, c := range found {
		idx[i] = c.Index
	}
	return Cell{}, fmt.Errorf("%s: cells %v are all tagged %q: a tag names one cell", filepath.Base(nb.Path), idx, tag)
}

var goCrash = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|exit status \d+$)`)

// Problems lists what makes an executed notebook fail: error outputs (a
// compile error or an exception), and Go panics or stack dumps printed to a
// stream (GoNB reports a panicking cell as stderr text, not as an error).
func (nb *Notebook) Problems() []string {
	var problems []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == "error" {
				problems = append(problems, fmt.Sprintf("cell %d: error output %s: %s", c.Index, o.ErrorName, firstLines(o.ErrorValue, 6)))
			}
			if o.Type == "stream" {
				if loc := goCrash.FindStringIndex(o.Data["text/plain"]); loc != nil {
					problems = append(problems, fmt.Sprintf("cell %d: Go crash printed to %s: %s", c.Index, o.Stream,
						firstLines(o.Data["text/plain"][loc[0]:], 6)))
				}
			}
		}
	}
	return problems
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// Available reports whether jupyter nbconvert and the project's GoNB kernel
// can be found, and if not, why.
func Available() error {
	if _, err := exec.LookPath("jupyter"); err != nil {
		return errors.New("jupyter is not on PATH (run scripts/setup.sh, or the README's test command)")
	}
	for _, dir := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "kernels", KernelName, "kernel.json")); err == nil {
			return nil
		}
	}
	return fmt.Errorf("the %q kernel is not on JUPYTER_PATH=%q (run scripts/setup.sh and source scripts/env.sh)",
		KernelName, os.Getenv("JUPYTER_PATH"))
}

// pythonPath is PYTHONPATH with the repository's tools/nbconvert first: its
// MergeStreams preprocessor stores a cell's consecutive lines as one output,
// whatever nbclient's version (see tools/nbconvert/rnngo_nbconvert.py).
func pythonPath() string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "tools", "nbconvert")
	if old := os.Getenv("PYTHONPATH"); old != "" {
		return dir + string(os.PathListSeparator) + old
	}
	return dir
}

// Execute runs the notebook at path from a clean kernel with jupyter
// nbconvert, writes the executed copy into outDir and returns it. Cells keep
// running after an error cell (allow_errors), so that every problem is listed
// by Problems; a cell running longer than cellTimeout fails the run.
//
// The run uses GoNB's plain-text compile errors (--raw_error). env adds
// "KEY=value" settings to the environment (e.g. a GOCACHE for a cold build).
func Execute(ctx context.Context, path, outDir string, cellTimeout time.Duration, env ...string) (*Notebook, error) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	args := []string{"nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=" + KernelName,
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(cellTimeout.Seconds())),
		"--ExecutePreprocessor.allow_errors=True",
		`--NotebookExporter.preprocessors=["rnngo_nbconvert.MergeStreams"]`,
		"--output-dir", outDir, abs}
	cmd := exec.CommandContext(ctx, "jupyter", args...)
	cmd.Dir = filepath.Dir(abs)
	cmd.Env = append(append(os.Environ(), "RNNGO_GONB_FLAGS=--raw_error", "PYTHONPATH="+pythonPath()), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("jupyter nbconvert --execute %s: %v\n%s", path, err, lastLines(stderr.String(), 30))
	}
	elapsed := time.Since(start)
	nb, err := Read(filepath.Join(outDir, filepath.Base(abs)))
	if err != nil {
		return nil, err
	}
	nb.Elapsed = elapsed
	return nb, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	kept := lines[:0]
	for _, l := range lines {
		// GoNB's own klog lines are noise here.
		if len(l) > 5 && (l[0] == 'I' || l[0] == 'W') && l[1] >= '0' && l[1] <= '9' {
			continue
		}
		kept = append(kept, l)
	}
	if len(kept) > n {
		kept = kept[len(kept)-n:]
	}
	return strings.Join(kept, "\n")
}

// Read parses an .ipynb file (nbformat 4).
func Read(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Metadata struct {
			Kernelspec struct {
				Name string `json:"name"`
			} `json:"kernelspec"`
		} `json:"metadata"`
		Cells []struct {
			CellType string          `json:"cell_type"`
			Source   json.RawMessage `json:"source"`
			Metadata struct {
				Tags []string `json:"tags"`
			} `json:"metadata"`
			Outputs []struct {
				OutputType string                     `json:"output_type"`
				Name       string                     `json:"name"`
				Text       json.RawMessage            `json:"text"`
				Data       map[string]json.RawMessage `json:"data"`
				EName      string                     `json:"ename"`
				EValue     string                     `json:"evalue"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s is not a valid notebook: %w", path, err)
	}
	if raw.Metadata.Kernelspec.Name != KernelName {
		return nil, fmt.Errorf("%s: kernelspec name is %q, want %q", path, raw.Metadata.Kernelspec.Name, KernelName)
	}
	nb := &Notebook{Path: path}
	for i, rc := range raw.Cells {
		c := Cell{Index: i, Type: rc.CellType, Source: multiline(rc.Source), Tags: rc.Metadata.Tags}
		for _, ro := range rc.Outputs {
			o := Output{Type: ro.OutputType, Stream: ro.Name, Data: map[string]string{},
				ErrorName: ro.EName, ErrorValue: stripANSI(ro.EValue)}
			if ro.OutputType == "stream" {
				o.Data["text/plain"] = multiline(ro.Text)
			}
			for mime, v := range ro.Data {
				o.Data[mime] = multiline(v)
			}
			c.Outputs = append(c.Outputs, o)
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// multiline decodes nbformat's "multiline string": a string or a list of strings.
func multiline(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	if json.Unmarshal(raw, &parts) == nil {
		return strings.Join(parts, "")
	}
	return string(raw)
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
