package seq2seq

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// Adam returns GoMLX's Adam configured as torch.optim.Adam(params, lr):
// betas (0.9, 0.999), no weight decay, and eps 1e-8 — GoMLX's default
// epsilon is 1e-7, so it is set explicitly.
func Adam(learningRate float64) optimizers.Interface {
	return optimizers.Adam().LearningRate(learningRate).Betas(0.9, 0.999).Epsilon(1e-8).Done()
}

// CrossEntropy is torch.nn.CrossEntropyLoss on logits [N, C] and class
// indices labels [N, 1] (or [N]): the mean over the N rows of
// -log softmax(logits)[label], or their sum with sum set (reduction='sum',
// and what the lecture's loop `loss += criterion(hidden, label)` adds up).
func CrossEntropy(logits, labels *graph.Node, sum bool) *graph.Node {
	n, c := logits.Shape().Dim(0), logits.Shape().Dim(-1)
	oneHot := graph.OneHot(graph.Reshape(labels, n), c, logits.DType())
	perRow := graph.Neg(graph.ReduceSum(graph.Mul(oneHot, graph.LogSoftmax(logits)), -1)) // [N]
	if sum {
		return graph.ReduceAllSum(perRow)
	}
	return graph.ReduceAllMean(perRow)
}

// TrainConfig is how a CharModel is trained.
type TrainConfig struct {
	// Epochs is the number of epochs; each is one Adam step on the one example.
	Epochs int
	// LearningRate of Adam (see Adam).
	LearningRate float64
	// SumOverSteps sums the per-step cross-entropies, as the lecture's first
	// model does (loss += criterion(hidden, label)); otherwise they are
	// averaged (CrossEntropyLoss on the [L, V] logits).
	SumOverSteps bool
	// Seed initialises the parameters (GoMLX's context.ParamInitialSeed):
	// the same seed gives the same run.
	Seed int64
	// InitialState, if not nil, is a state dict (PyTorch names, e.g.
	// "rnncell.weight_ih") that replaces the random initial parameters, to
	// start from the exact weights of a PyTorch run. It must name every
	// parameter (see rnn.SetStateDict).
	InitialState map[string]*tensors.Tensor
}

// Epoch is what Train reports once per epoch, like the lecture's print: the
// loss of the epoch's forward pass and the string it predicts (the argmax
// at every step), both computed before that epoch's optimiser step.
type Epoch struct {
	Epoch, Epochs int
	Loss          float64
	Predicted     string
}

// Trained is the result of Train: the context holding the trained
// parameters (under the model's scopes) and the loss of every epoch.
type Trained struct {
	Ctx    *context.Context
	Model  CharModel
	Vocab  *Vocab
	Losses []float64
	Last   Epoch
}

// Train trains model to map input to target (one example, batch 1) with
// Adam, calling onEpoch (if not nil) after every epoch. It runs on GoMLX's
// train.Trainer and train.Loop; the loss is GoMLX's sparse cross-entropy
// on the [L, V] logits, summed or averaged over the steps.
func Train(model CharModel, vocab *Vocab, input, target string, cfg TrainConfig, onEpoch func(Epoch)) (*Trained, error) {
	if cfg.Epochs <= 0 {
		return nil, fmt.Errorf("seq2seq.Train: epochs must be positive, got %d", cfg.Epochs)
	}
	if !(cfg.LearningRate > 0) {
		return nil, fmt.Errorf("seq2seq.Train: learning rate must be positive, got %g", cfg.LearningRate)
	}
	x, err := model.Input(vocab, input)
	if err != nil {
		return nil, fmt.Errorf("seq2seq.Train: input: %w", err)
	}
	labels, err := labelsOf(vocab, target)
	if err != nil {
		return nil, fmt.Errorf("seq2seq.Train: target: %w", err)
	}
	if in, out := len([]rune(input)), len([]rune(target)); in != out {
		return nil, fmt.Errorf("seq2seq.Train: input %q has %d characters but target %q has %d: one target character per input step", input, in, target, out)
	}
	b, err := backend.Get()
	if err != nil {
		return nil, err
	}

	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, cfg.Seed)
	if err := model.Build(ctx); err != nil {
		return nil, fmt.Errorf("seq2seq.Train: %w", err)
	}
	if cfg.InitialState != nil {
		if err := rnn.SetStateDict(ctx, cfg.InitialState); err != nil {
			return nil, fmt.Errorf("seq2seq.Train: initial state: %w", err)
		}
	}
	modelFn := func(ctx *context.Context, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{model.Logits(ctx, inputs[0])}
	}
	lossFn := func(labels, logits []*graph.Node) *graph.Node {
		return CrossEntropy(logits[0], labels[0], cfg.SumOverSteps)
	}
	trainer := train.NewTrainer(b, ctx, modelFn, lossFn, Adam(cfg.LearningRate), nil, nil)

	// The lecture prints, each epoch, the argmax of the forward pass that
	// computed the loss, i.e. of the parameters before that epoch's update.
	// The predictor runs the same model on the same input: it runs before
	// the first step (OnStart) and after each step for the next epoch.
	pred, err := newPredictor(b, ctx, model, vocab)
	if err != nil {
		return nil, err
	}
	res := &Trained{Ctx: ctx, Model: model, Vocab: vocab}
	var next string
	loop := train.NewLoop(trainer)
	loop.OnStart("seq2seq.Train", 0, func(*train.Loop, train.Dataset) (err error) {
		next, err = pred.run(x)
		return err
	})
	loop.OnStep("seq2seq.Train", 0, func(loop *train.Loop, m []*tensors.Tensor) (err error) {
		e := Epoch{Epoch: len(res.Losses) + 1, Epochs: cfg.Epochs, Loss: float64(tensors.ToScalar[float32](m[0])), Predicted: next}
		res.Losses = append(res.Losses, e.Loss)
		res.Last = e
		if onEpoch != nil {
			onEpoch(e)
		}
		if e.Epoch < cfg.Epochs {
			next, err = pred.run(x)
		}
		return err
	})
	if _, err := loop.RunSteps(&repeatDataset{inputs: []*tensors.Tensor{x}, labels: []*tensors.Tensor{labels}}, cfg.Epochs); err != nil {
		return nil, fmt.Errorf("seq2seq.Train: %w", err)
	}
	return res, nil
}

// predictor runs a CharModel and decodes the argmax of its logits.
type predictor struct {
	exec  *context.Exec
	vocab *Vocab
}

func newPredictor(b backends.Backend, ctx *context.Context, model CharModel, vocab *Vocab) (*predictor, error) {
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, x *graph.Node) *graph.Node {
		return graph.ArgMax(model.Logits(ctx, x), -1, dtypes.Int32)
	})
	if err != nil {
		return nil, err
	}
	return &predictor{exec: exec, vocab: vocab}, nil
}

func (p *predictor) run(x *tensors.Tensor) (string, error) {
	out, err := p.exec.Exec(x)
	if err != nil {
		return "", err
	}
	idx := tensors.MustCopyFlatData[int32](out[0])
	chars := make([]int, len(idx))
	for i, c := range idx {
		chars[i] = int(c)
	}
	return p.vocab.Decode(chars)
}

// Predict runs the trained model on input and returns the predicted string
// (the argmax at every step).
func (t *Trained) Predict(input string) (string, error) {
	return Predict(t.Ctx, t.Model, t.Vocab, input)
}

// Predict runs model with the parameters in ctx on input and returns the
// predicted string (the argmax at every step).
func Predict(ctx *context.Context, model CharModel, vocab *Vocab, input string) (string, error) {
	x, err := model.Input(vocab, input)
	if err != nil {
		return "", err
	}
	b, err := backend.Get()
	if err != nil {
		return "", err
	}
	p, err := newPredictor(b, ctx.Reuse(), model, vocab)
	if err != nil {
		return "", err
	}
	s, err := p.run(x)
	if err != nil {
		return "", fmt.Errorf("seq2seq.Predict: %w", err)
	}
	return s, nil
}

// repeatDataset yields the same example forever (one example, batch 1: an
// epoch is one step). The tensors are reused, so the loop must not free them.
type repeatDataset struct {
	inputs, labels []*tensors.Tensor
}

// Name implements train.Dataset.
func (d *repeatDataset) Name() string { return "one example" }

// Reset implements train.Dataset (nothing to rewind).
func (d *repeatDataset) Reset() {}

// Yield implements train.Dataset: always the same example.
func (d *repeatDataset) Yield() (any, []*tensors.Tensor, []*tensors.Tensor, error) {
	return nil, d.inputs, d.labels, nil
}

// IsOwnershipTransferred implements train.DatasetCustomOwnership: the loop
// must not free the tensors, which are yielded again.
func (d *repeatDataset) IsOwnershipTransferred() bool { return false }

var _ train.DatasetCustomOwnership = (*repeatDataset)(nil)
