package seq2seq

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// GRUReference is a PyTorch run of a GRUModel's modules, as
// tools/pytorch/attention_fixture.py writes it (testdata/attention.npz,
// testdata/plain.npz): the model it describes, with the reference's weights
// loaded into Ctx, its batch (Inputs as Examples lays them out, Labels) and
// what PyTorch computed (Want: "logits", "attention" with attention, "loss",
// and "grad.<name>" for every parameter).
type GRUReference struct {
	Model          *GRUModel
	Ctx            *context.Context
	Inputs         []*tensors.Tensor
	Labels         *tensors.Tensor
	Want           map[string][]float64
	ParameterCount int
}

// LoadGRUReference reads a reference file and loads its weights into ctx
// (whose hyperparameters, rnn.ParamCustomGradient say, apply). The model's
// sizes come from the file; its vocabularies are placeholders of the right
// sizes whose first three symbols are the DateSpecials (start 0, end 1,
// pad 2, as the reference numbers them).
func LoadGRUReference(path string, ctx *context.Context) (*GRUReference, error) {
	arrays, err := numpy.FromNpzFile(path)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: reading %s: %w", path, err)
	}
	need := func(name string) (*tensors.Tensor, error) {
		if t, ok := arrays[name]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("seq2seq: %s has no %q", path, name)
	}
	r := &GRUReference{Ctx: ctx, Want: map[string][]float64{}}
	params := map[string]*tensors.Tensor{}
	for k, v := range arrays {
		switch name, isParam := strings.CutPrefix(k, "param."); {
		case isParam:
			params[name] = v
		case k == "src" || k == "src_len" || k == "dec_in" || k == "labels":
		default:
			r.Want[k] = rnn.Float64s(v)
		}
	}
	r.ParameterCount = len(params)
	for _, name := range []string{"src", "src_len", "dec_in", "labels"} {
		t, err := need(name)
		if err != nil {
			return nil, err
		}
		if name == "labels" {
			r.Labels = t
		} else {
			r.Inputs = append(r.Inputs, t)
		}
	}
	srcEmb, err := need("param.encoder.embedding.weight")
	if err != nil {
		return nil, err
	}
	tgtEmb, err := need("param.decoder.embedding.weight")
	if err != nil {
		return nil, err
	}
	hh, err := need("param.encoder.rnn.weight_hh_l0")
	if err != nil {
		return nil, err
	}
	vocab := func(n int) (*Vocab, error) {
		const symbols = "abcdefghijklmnopqrstuvwxyz"
		if n < 4 || n > 3+len(symbols) {
			return nil, fmt.Errorf("seq2seq: %s: a vocabulary of %d symbols (want 4 to %d)", path, n, 3+len(symbols))
		}
		return NewVocab(string([]rune{DateStart, DateEnd, DatePad}) + symbols[:n-3])
	}
	m := &GRUModel{Specials: DateSpecials, MaxSource: r.Inputs[0].Shape().Dim(1) - 1, MaxTarget: r.Inputs[2].Shape().Dim(1) - 1,
		Embed: srcEmb.Shape().Dim(1), Hidden: hh.Shape().Dim(1), Attention: r.Want["attention"] != nil}
	if m.Src, err = vocab(srcEmb.Shape().Dim(0)); err != nil {
		return nil, err
	}
	if m.Tgt, err = vocab(tgtEmb.Shape().Dim(0)); err != nil {
		return nil, err
	}
	if err := m.Build(ctx); err != nil {
		return nil, err
	}
	if err := rnn.SetStateDict(ctx, params); err != nil {
		return nil, fmt.Errorf("seq2seq: %s: %w", path, err)
	}
	r.Model = m
	return r, nil
}

// Run computes on the reference's batch what the reference holds (see
// GRUModel.Gradients), under the same names.
func (r *GRUReference) Run() (map[string][]float64, error) {
	g, err := r.Model.Gradients(r.Ctx, r.Inputs, r.Labels)
	if err != nil {
		return nil, err
	}
	got := map[string][]float64{"logits": g.Logits, "loss": {g.Loss}}
	if r.Model.Attention {
		got["attention"] = g.Attention
	}
	for name, grad := range g.Grads {
		got["grad."+name] = grad
	}
	return got, nil
}
