package rnn

import "fmt"

// builder is what every layer's configuration shares: it records the first
// configuration error, and refuses changes after Done.
type builder struct {
	kind string // the layer type, for messages: "Cell", "RNN", …
	done bool
	err  error
}

// change reports whether a setter may change the configuration; called after
// Done, it records an error (returned by the next Done) and refuses.
func (b *builder) change(what string) bool {
	if b.done {
		if b.err == nil {
			b.err = fmt.Errorf("rnn.%s.%s called after Done", b.kind, what)
		}
		return false
	}
	return true
}
