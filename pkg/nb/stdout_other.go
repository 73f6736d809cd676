//go:build !linux

package nb

// unreadStdout cannot query the pipe on this system: waitStdout falls back
// to a fixed wait.
func unreadStdout() (n int, ok bool) { return 0, false }
