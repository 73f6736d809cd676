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
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nndl-hw9/rnngo/internal/nbrun"
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
