package nb

import "time"

// waitStdout makes a display that follows printed lines appear after them.
//
// GoNB reads a cell's standard output from a pipe and its displays from
// another channel, and publishes each as it reads it: a table displayed
// right after fmt.Println can reach the notebook before the line does (seen
// here: a table between two lines printed before it). So before every
// display, waitStdout waits until GoNB has read everything printed so far
// (the pipe is empty), then a moment for GoNB to publish it. Where the pipe
// cannot be queried it waits a fixed 30 ms. The opposite order needs no
// wait: the display functions end with Flush, which returns once GoNB has
// published the display.
func waitStdout() {
	deadline := time.Now().Add(2 * time.Second)
	for {
		n, ok := unreadStdout()
		if !ok {
			time.Sleep(30 * time.Millisecond)
			return
		}
		if n == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(15 * time.Millisecond)
}
