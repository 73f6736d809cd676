// Package readme tests what the README promises a Go user: its library
// program builds and runs in a fresh module outside the repository.
package readme

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// program returns the Go program that follows "<!-- readme-program -->" in
// README.md.
func program(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "<!-- readme-program -->\n```go\n")
	if !ok {
		t.Fatal("README.md has no Go block after <!-- readme-program -->")
	}
	src, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatal("README.md: the program's Go block is not closed")
	}
	return src
}

// TestReadmeProgram builds the README's library program as a user would: a
// new module in a directory outside the repository that requires
// github.com/nndl-hw9/rnngo through a replace pointing at this checkout,
// go mod tidy (the requirement must survive it), go vet clean, then runs it
// and compares what it prints with what the README says it prints.
func TestReadmeProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module (-short)")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if strings.HasPrefix(dir, repo+string(filepath.Separator)) {
		t.Fatalf("the test module %s must be outside the repository", dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(program(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("mod", "init", "example.com/charlm")
	run("mod", "edit", "-require=github.com/nndl-hw9/rnngo@v0.0.0", "-replace=github.com/nndl-hw9/rnngo="+repo)
	run("mod", "tidy")
	if mod, _ := os.ReadFile(filepath.Join(dir, "go.mod")); !strings.Contains(string(mod), "github.com/nndl-hw9/rnngo v0.0.0") {
		t.Fatalf("go mod tidy dropped the requirement:\n%s", mod)
	}
	if out := run("vet", "."); strings.TrimSpace(out) != "" {
		t.Errorf("go vet: %s", out)
	}
	got := run("run", ".")

	readme, _ := os.ReadFile("../../README.md")
	_, after, _ := strings.Cut(string(readme), "It prints (on the pure-Go backend, in about a second):\n\n```\n")
	want, _, _ := strings.Cut(after, "```")
	if want == "" || got != want {
		t.Errorf("the README program printed:\n%s\nthe README says:\n%s", got, want)
	}
}
