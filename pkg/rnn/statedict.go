package rnn

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// This file reads and writes PyTorch state dicts: the trainable variables
// under a scope by PyTorch's dotted names, as maps or .npz files.

// StateDict returns the values of the trainable variables under ctx's scope,
// keyed by PyTorch state_dict names: the scope path relative to ctx with "."
// for "/" ("encoder.weight_ih_l0", "fc.bias"). Variables without a value yet
// are an error.
func StateDict(ctx *context.Context) (map[string]*tensors.Tensor, error) {
	vars := trainableUnder(ctx)
	out := make(map[string]*tensors.Tensor, len(vars))
	for key, v := range vars {
		if !v.HasValue() {
			return nil, fmt.Errorf("rnn.StateDict: %s has no value yet (run a graph that uses it first)", key)
		}
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("rnn.StateDict: %s: %w", key, err)
		}
		out[key] = t
	}
	return out, nil
}

// SaveStateDict writes StateDict(ctx) to a NumPy .npz file that PyTorch can
// load with `{k: torch.from_numpy(v) for k, v in numpy.load(path).items()}`.
func SaveStateDict(ctx *context.Context, path string) error {
	sd, err := StateDict(ctx)
	if err != nil {
		return err
	}
	return numpy.ToNpzFile(sd, path)
}

// LoadStateDict loads a PyTorch state_dict saved with
//
//	numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})
//
// into the trainable variables under ctx's scope, matched by name (see
// StateDict for the naming). Like torch's load_state_dict(strict=True), every
// variable must get a value and every key must name a variable: missing and
// unexpected keys and shape mismatches are errors that list them. The layers
// must have been built (Done) in ctx first, so their variables exist.
// Float32/float64 values are converted to the variables' dtype, as
// load_state_dict does.
func LoadStateDict(ctx *context.Context, path string) error {
	sd, err := numpy.FromNpzFile(path)
	if err != nil {
		return fmt.Errorf("rnn.LoadStateDict: reading %s: %w", path, err)
	}
	if err := SetStateDict(ctx, sd); err != nil {
		return fmt.Errorf("rnn.LoadStateDict(%s): %w", path, err)
	}
	return nil
}

// SetStateDict is LoadStateDict with the tensors already in memory. The
// variables get copies: sd stays valid and unchanged after training.
func SetStateDict(ctx *context.Context, sd map[string]*tensors.Tensor) error {
	vars := trainableUnder(ctx)
	var missing, unexpected, mismatched []string
	for key := range vars {
		if _, ok := sd[key]; !ok {
			missing = append(missing, key)
		}
	}
	converted := make(map[string]*tensors.Tensor, len(sd))
	for key, t := range sd {
		v, ok := vars[key]
		if !ok {
			unexpected = append(unexpected, key)
			continue
		}
		c, err := convertTo(t, v.Shape())
		if err != nil {
			mismatched = append(mismatched, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		converted[key] = c
	}
	sort.Strings(missing)
	sort.Strings(unexpected)
	sort.Strings(mismatched)
	var errs []string
	if len(missing) > 0 {
		errs = append(errs, fmt.Sprintf("missing keys: %s", strings.Join(missing, ", ")))
	}
	if len(unexpected) > 0 {
		errs = append(errs, fmt.Sprintf("unexpected keys: %s", strings.Join(unexpected, ", ")))
	}
	if len(mismatched) > 0 {
		errs = append(errs, fmt.Sprintf("size mismatch for %s", strings.Join(mismatched, "; ")))
	}
	if len(errs) > 0 {
		if len(vars) == 0 {
			errs = append(errs, fmt.Sprintf("no trainable variables under scope %q: build the layers (Done) first", ctx.Scope()))
		}
		return errors.New("error(s) in loading state_dict: " + strings.Join(errs, "; "))
	}
	for key, t := range converted {
		if err := vars[key].SetValue(t); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
	}
	return nil
}

// trainableUnder maps the state_dict key of every trainable variable under
// ctx's scope to the variable.
func trainableUnder(ctx *context.Context) map[string]*context.Variable {
	root := ctx.Scope()
	prefix := root
	if !strings.HasSuffix(prefix, context.ScopeSeparator) {
		prefix += context.ScopeSeparator
	}
	out := map[string]*context.Variable{}
	for v := range ctx.IterVariables() {
		if !v.Trainable {
			continue
		}
		scope := v.Scope()
		if scope != root && !strings.HasPrefix(scope, prefix) {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(scope, root), context.ScopeSeparator)
		key := v.Name()
		if rel != "" {
			key = strings.ReplaceAll(rel, context.ScopeSeparator, ".") + "." + key
		}
		out[key] = v
	}
	return out
}

// SubStateDict returns the entries of sd whose keys start with prefix, with
// the prefix removed: the state dict of a submodule ("encoder." of a model's
// state dict), or of one entry of a file holding several.
func SubStateDict(sd map[string]*tensors.Tensor, prefix string) map[string]*tensors.Tensor {
	out := map[string]*tensors.Tensor{}
	for k, v := range sd {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}
