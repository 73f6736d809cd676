package nbrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A notebook as Jupyter writes it: tags in the cells' metadata.
const tagged = `{
 "cells": [
  {"cell_type": "markdown", "metadata": {"tags": ["intro"]}, "source": ["# Title"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["train", "slow"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["loss 1\n", "loss 0.5\n"]}],
   "source": ["x := 1\n", "fmt.Println(x)"]},
  {"cell_type": "code", "execution_count": 2, "metadata": {"tags": ["slow"]}, "outputs": [], "source": "y := 2"},
  {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": "z := 3"}
 ],
 "metadata": {"kernelspec": {"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
`

func TestTagged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.ipynb")
	if err := os.WriteFile(path, []byte(tagged), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := nb.Tagged("train")
	if err != nil {
		t.Fatal(err)
	}
	if c.Index != 1 || c.Text() != "loss 1\nloss 0.5\n" || c.Source != "x := 1\nfmt.Println(x)" {
		t.Errorf("Tagged(train) = cell %d, source %q, text %q", c.Index, c.Source, c.Text())
	}
	if c, err := nb.Tagged("intro"); err != nil || c.Type != "markdown" {
		t.Errorf("Tagged(intro) = %+v, %v", c, err)
	}
	for tag, want := range map[string]string{
		"slow":    `t.ipynb: cells [1 2] are all tagged "slow": a tag names one cell`,
		"missing": `t.ipynb: no cell is tagged "missing"`,
	} {
		if _, err := nb.Tagged(tag); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Tagged(%q): error %v, want one containing %q", tag, err, want)
		}
	}
}
