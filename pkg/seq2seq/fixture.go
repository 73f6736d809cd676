package seq2seq

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// AttentionFixture is one of the PyTorch runs that
// tools/pytorch/attention_fixture.py writes (attention.npz, plain.npz): d2l's
// GRU encoder–decoder, with or without attention, its weights, a batch and
// what PyTorch computed from them, to check an encoder–decoder written in Go
// against.
type AttentionFixture struct {
	// Layout has the batch's sequence lengths and placeholder vocabularies of
	// the fixture's sizes, whose first three symbols are DateSpecials (start
	// 0, end 1, pad 2, as the fixture numbers them).
	Layout *Layout
	// Embed and Hidden are the embedding and hidden sizes; Attention says
	// whether the decoder attends (the fixture holds attention weights).
	Embed, Hidden int
	Attention     bool
	// StateDict holds every parameter under its state_dict name
	// ("encoder.embedding.weight", "decoder.attention.W_q.weight", …).
	StateDict map[string]*tensors.Tensor
	// Inputs are src, src_len and dec_in, as Layout.Examples lays them out;
	// Labels the targets.
	Inputs []*tensors.Tensor
	Labels *tensors.Tensor
	// Want is what PyTorch computed: "logits" [B, Tt, Vt], "attention"
	// [B, Tt, Ts] (with attention), "loss" (CrossEntropyLoss with
	// ignore_index=pad) and "grad.<name>", the loss's gradient with respect
	// to every parameter.
	Want map[string][]float64
}

// LoadAttentionFixture reads a fixture file (see AttentionFixture).
func LoadAttentionFixture(path string) (*AttentionFixture, error) {
	arrays, err := numpy.FromNpzFile(path)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: reading %s: %w", path, err)
	}
	f := &AttentionFixture{StateDict: map[string]*tensors.Tensor{}, Want: map[string][]float64{}}
	for k, v := range arrays {
		switch name, isParam := strings.CutPrefix(k, "param."); {
		case isParam:
			f.StateDict[name] = v
		case k == "src" || k == "src_len" || k == "dec_in" || k == "labels":
		default:
			f.Want[k] = rnn.Float64s(v)
		}
	}
	for _, name := range []string{"src", "src_len", "dec_in", "labels", "param.encoder.embedding.weight",
		"param.decoder.embedding.weight", "param.encoder.rnn.weight_hh_l0"} {
		if _, ok := arrays[name]; !ok {
			return nil, fmt.Errorf("seq2seq: %s has no %q", path, name)
		}
	}
	f.Inputs, f.Labels = []*tensors.Tensor{arrays["src"], arrays["src_len"], arrays["dec_in"]}, arrays["labels"]
	srcEmb, tgtEmb := arrays["param.encoder.embedding.weight"].Shape(), arrays["param.decoder.embedding.weight"].Shape()
	f.Embed, f.Hidden = srcEmb.Dim(1), arrays["param.encoder.rnn.weight_hh_l0"].Shape().Dim(1)
	f.Attention = f.Want["attention"] != nil
	vocab := func(n int) (string, error) {
		const symbols = "abcdefghijklmnopqrstuvwxyz"
		if n < 4 || n > 3+len(symbols) {
			return "", fmt.Errorf("seq2seq: %s: a vocabulary of %d symbols (want 4 to %d)", path, n, 3+len(symbols))
		}
		return string([]rune{DateStart, DateEnd, DatePad}) + symbols[:n-3], nil
	}
	src, err := vocab(srcEmb.Dim(0))
	if err != nil {
		return nil, err
	}
	tgt, err := vocab(tgtEmb.Dim(0))
	if err != nil {
		return nil, err
	}
	f.Layout, err = NewLayout(src, tgt, DateSpecials, f.Inputs[0].Shape().Dim(1)-1, f.Inputs[2].Shape().Dim(1)-1)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: %s: %w", path, err)
	}
	return f, nil
}

// Run computes on the fixture's batch what the fixture holds, under the same
// names, with an encoder–decoder written in Go: ctx must hold the model's
// parameters under the fixture's names (built, not yet set: Run sets them to
// the fixture's weights); forward computes the logits [B, Tt, Vt] and the
// attention weights [B, Tt, Ts] (nil without attention) of src, srcLen and
// decIn, and loss the loss of the logits against the labels. The gradients
// are of the loss with respect to every trainable variable in ctx, by
// state_dict name (as rnn.StateDict names them).
func (f *AttentionFixture) Run(ctx *context.Context, forward func(ctx *context.Context, src, srcLen, decIn *graph.Node) (logits, weights *graph.Node),
	loss func(logits, labels *graph.Node) *graph.Node) (map[string][]float64, error) {
	if err := rnn.SetStateDict(ctx, f.StateDict); err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}
	names, vars := trainable(ctx)
	b, err := backend.Get()
	if err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}
	exec, err := context.NewExec(b, ctx.Reuse(), func(ctx *context.Context, in []*graph.Node) []*graph.Node {
		logits, weights := forward(ctx, in[0], in[1], in[2])
		l := loss(logits, in[3])
		if weights == nil {
			weights = graph.ScalarZero(l.Graph(), l.DType())
		}
		nodes := make([]*graph.Node, len(vars))
		for i, v := range vars {
			nodes[i] = v.ValueGraph(l.Graph())
		}
		return append([]*graph.Node{logits, weights, l}, graph.Gradient(l, nodes...)...)
	})
	if err != nil {
		return nil, err
	}
	res, err := exec.Exec(f.Inputs[0], f.Inputs[1], f.Inputs[2], f.Labels)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: running the fixture's batch: %w", err)
	}
	got := map[string][]float64{"logits": rnn.Float64s(res[0]), "loss": rnn.Float64s(res[2])}
	if f.Attention {
		got["attention"] = rnn.Float64s(res[1])
	}
	for i, name := range names {
		got["grad."+name] = rnn.Float64s(res[3+i])
	}
	return got, nil
}

// trainable lists the trainable variables in ctx's scope, sorted by their
// state_dict names (the scope below ctx's with "." for "/", then the name).
func trainable(ctx *context.Context) ([]string, []*context.Variable) {
	root := strings.TrimSuffix(ctx.Scope(), context.ScopeSeparator) + context.ScopeSeparator
	byName := map[string]*context.Variable{}
	for v := range ctx.IterVariables() {
		if rel, ok := strings.CutPrefix(v.Scope()+context.ScopeSeparator, root); ok && v.Trainable {
			rel = strings.TrimPrefix(rel, context.ScopeSeparator) // a variable in ctx's own scope
			byName[strings.ReplaceAll(rel, context.ScopeSeparator, ".")+v.Name()] = v
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	vars := make([]*context.Variable, len(names))
	for i, n := range names {
		vars[i] = byName[n]
	}
	return names, vars
}
