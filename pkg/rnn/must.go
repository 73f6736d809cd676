package rnn

// Must returns layer, or panics with err if it is not nil: the panicking form
// of a builder's Done, for use inside graph functions (the functions given to
// context.NewExec, train.NewTrainer or context.ExecOnce), where GoMLX turns a
// panic into the error that Exec, or the training step, returns — as GoMLX's
// own layers report a bad configuration. Outside a graph function, check
// Done's error instead.
//
//	model := func(ctx *context.Context, x *graph.Node) *graph.Node {
//		r := rnn.Must(rnn.New(ctx.In("rnn"), 4, 8).Done())
//		out, _ := r.Forward(x, nil)
//		return out
//	}
//
// It works with any (value, error) pair, e.g. a function that builds several
// layers and returns them in a struct.
func Must[L any](layer L, err error) L {
	if err != nil {
		panic(err)
	}
	return layer
}
