package nb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/nndl-hw9/rnngo/internal/pyref"
)

// PythonRun is what one of the repository's Python scripts printed
// (tools/pytorch: the homework's code, the lecture's, mathor's), to stand
// beside the Go that mirrors it: run now where an interpreter with NumPy and
// PyTorch is found, else the output recorded in a file.
type PythonRun struct {
	// Command is what ran, or would have run:
	// "python3 ../tools/pytorch/hello_ohlol.py --seed 0".
	Command string
	// Raw is what the script printed. Output is the same text with NumPy 2's
	// scalar reprs written as NumPy 1 printed them ("np.float64(2.0)" →
	// "2.0", see pyref.NormalizeNumPy): what the Go side is compared with.
	Raw, Output string
	// Live is true if the script ran now, false if the output was read from
	// Recorded.
	Live bool
	// Versions says what printed the output: "Python 3.11.2, NumPy 1.24.2,
	// PyTorch 1.13.0a0" when it ran now, else the recorded file's
	// "# recorded with: " line.
	Versions string
	// Script is the script's path; Recorded the file that holds its
	// recorded output.
	Script, Recorded string
}

// RunPython runs script with args in the interpreter that internal/pyref
// finds ($RNNGO_PYTHON, /usr/bin/python3 or python3 with torch and numpy),
// in the current directory, and returns what it printed. Where there is no
// such interpreter it returns the output recorded in the file recorded: lines
// starting with "# " (among them "# recorded with: …", the versions that
// printed it), a blank line, then the output exactly as printed. A script
// that fails is an error, with the end of what it wrote to stderr.
func RunPython(recorded, script string, args ...string) (PythonRun, error) {
	run := PythonRun{Command: strings.Join(append([]string{"python3", script}, args...), " "), Script: script, Recorded: recorded}
	py := pyref.Python()
	if py == "" {
		return run, run.readRecorded()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, append([]string{"-c", pythonWrapper, script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return run, fmt.Errorf("nb.RunPython: %s: %v\n%s", run.Command, err, lastLinesOf(stderr.String(), 10))
	}
	run.Command = strings.Replace(run.Command, "python3", py, 1)
	run.Live = true
	for _, line := range strings.Split(stderr.String(), "\n") {
		if v, ok := strings.CutPrefix(line, versionsPrefix); ok {
			run.Versions = v
		}
	}
	run.Raw = stdout.String()
	run.Output = pyref.NormalizeNumPy(run.Raw)
	return run, nil
}

const versionsPrefix = "rnngo-python-versions: "

// pythonWrapper reports the versions on stderr, then runs the script as
// `python3 script args…` would.
const pythonWrapper = `import platform, runpy, sys
import numpy, torch
sys.stderr.write("` + versionsPrefix + `Python %s, NumPy %s, PyTorch %s\n" % (platform.python_version(), numpy.__version__, torch.__version__))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
`

// readRecorded fills the run from its recorded file.
func (r *PythonRun) readRecorded() error {
	data, err := os.ReadFile(r.Recorded)
	if err != nil {
		return fmt.Errorf("nb.RunPython: no interpreter with NumPy and PyTorch, and no recorded output: %w", err)
	}
	text := string(data)
	var header []string
	for strings.HasPrefix(text, "# ") {
		line, rest, _ := strings.Cut(text, "\n")
		header, text = append(header, line), rest
	}
	text = strings.TrimPrefix(text, "\n")
	r.Versions = "unknown versions"
	if len(header) > 0 {
		r.Versions = strings.TrimPrefix(header[0], "# ")
	}
	for _, h := range header {
		if v, ok := strings.CutPrefix(h, "# recorded with: "); ok {
			r.Versions = v
		}
	}
	r.Raw, r.Output = text, pyref.NormalizeNumPy(text)
	return nil
}

// String is one line, in Chinese, saying what printed the left column: the
// script just now, or its recorded output, with which versions (no paths:
// it is read in a handed-in notebook); and, where
// NumPy 2 printed scalars differently from NumPy 1, that they were rewritten.
func (r PythonRun) String() string {
	var s string
	if r.Live {
		s = fmt.Sprintf("▶ 左列是原 Python 代码刚刚运行的输出（%s）", r.Versions)
	} else {
		s = fmt.Sprintf("▶ 本机没有 PyTorch，左列是原 Python 代码记录下来的输出（%s）", r.Versions)
	}
	if r.Raw != r.Output {
		s += "\n  NumPy 2 把 NumPy 标量打印成 np.float64(2.0)，作业用的 NumPy 1 打印成 2.0：比较之前已按 NumPy 1 的格式改写"
	}
	return s
}

// Beside shows the script's output beside the Go output goText, line by
// line (see DiffLines and Diff.Show), under the line saying what printed it.
func (r PythonRun) Beside(goText string, opts DiffOptions) Diff {
	fmt.Println(r)
	d := DiffLines(r.Output, goText, opts)
	d.Show("Python 原代码", "Go")
	return d
}

func lastLinesOf(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
