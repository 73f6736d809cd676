package notebook02

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/core/tensors/numpy"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/nndl-hw9/rnngo/internal/pyref"
	"github.com/nndl-hw9/rnngo/pkg/backend"
	"github.com/nndl-hw9/rnngo/pkg/rnn"
)

// reference is what PyTorch 1.13.1 printed running the lecture's code
// (tools/pytorch/hello_ohlol.py --seeds 30): the 45 lines of seed 0, then the
// final line of each variant for seeds 0..29.
const reference = "testdata/liuer-hello-ohlol-outputs.txt"

// referenceLines reads the reference's lines of torch.manual_seed(0) and its
// final lines of seeds 0..29.
func referenceLines(t *testing.T) (seed0 []string, finals []string) {
	t.Helper()
	data, err := os.ReadFile(reference)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "Predicted") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 45+90 {
		t.Fatalf("reference has %d Predicted lines, want 135", len(lines))
	}
	return lines[:45], lines[45:]
}

// loadInit reads PyTorch's initial weights and losses of the three variants
// for torch.manual_seed(0…29), the file notebook 02 starts its models from.
func loadInit(t *testing.T) map[string]*tensors.Tensor {
	t.Helper()
	npz, err := numpy.FromNpzFile("../../notebooks/data/hello-init.npz")
	if err != nil {
		t.Fatal(err)
	}
	return npz
}

// pytorchStart is PyTorch's initial state dict of variant v for seed s.
func pytorchStart(init map[string]*tensors.Tensor, s, v int) map[string]*tensors.Tensor {
	return rnn.SubStateDict(init, fmt.Sprintf("s%d.v%d.", s, v))
}

var lossOf = regexp.MustCompile(`loss ?= ?([0-9.]+)$`)

// sameLine compares two printed lines: the same text, or (for a loss that
// sits on a rounding boundary) the same prediction and a loss within 2 units
// of the last printed digit.
func sameLine(got, want string) bool {
	if got == want {
		return true
	}
	g, w := lossOf.FindStringSubmatch(got), lossOf.FindStringSubmatch(want)
	if g == nil || w == nil || lossOf.ReplaceAllString(got, "") != lossOf.ReplaceAllString(want, "") {
		return false
	}
	gv, _ := strconv.ParseFloat(g[1], 64)
	wv, _ := strconv.ParseFloat(w[1], 64)
	digits := len(w[1]) - strings.IndexByte(w[1], '.') - 1
	return math.Abs(gv-wv) <= 2*math.Pow(10, -float64(digits))
}

// TestParametersArePyTorchs: each variant's model has the parameters of the
// lecture's PyTorch model — the same names and shapes as the state dicts
// PyTorch saved — and scores the 4 characters at each of the 5 steps.
func TestParametersArePyTorchs(t *testing.T) {
	init := loadInit(t)
	for v := 1; v <= 3; v++ {
		ctx := seeded(0)
		var logits func(*graph.Node) *graph.Node
		x := inputs
		switch v {
		case 1:
			net := newCellModel(ctx, inputSize, hiddenSize, batchSize)
			logits = func(inputs *graph.Node) *graph.Node {
				hidden, steps := net.initHidden(inputs.Graph()), []*graph.Node{}
				for t := range inputs.Shape().Dim(0) {
					hidden = net.forward(graph.Squeeze(graph.Slice(inputs, graph.AxisElem(t)), 0), hidden)
					steps = append(steps, hidden)
				}
				return graph.Concatenate(steps, 0)
			}
		case 2:
			logits = newRNNModel(ctx, inputSize, hiddenSize, batchSize, 1).forward
		case 3:
			logits, x = newEmbModel(ctx, 4, 10, 8, 2, 4).forward, inputs3
		}
		out, err := context.ExecOnce(backend.MustGet(), ctx.Reuse(), func(ctx *context.Context, x *graph.Node) *graph.Node {
			return logits(x)
		}, x)
		if err != nil {
			t.Fatalf("variant %d: %v", v, err)
		}
		if dims := out.Shape().Dimensions; !slices.Equal(dims, []int{5, 4}) {
			t.Errorf("variant %d: logits shape %v, want [5 4]", v, dims)
		}
		sd, err := rnn.StateDict(ctx) // after a graph ran: the parameters have their values
		if err != nil {
			t.Fatal(err)
		}
		torch := pytorchStart(init, 0, v)
		if len(sd) != len(torch) {
			t.Errorf("variant %d: %d parameters, PyTorch's model %d", v, len(sd), len(torch))
		}
		for name, p := range torch {
			if got, ok := sd[name]; !ok {
				t.Errorf("variant %d: no parameter %s", v, name)
			} else if !slices.Equal(got.Shape().Dimensions, p.Shape().Dimensions) {
				t.Errorf("variant %d: %s is %v, PyTorch's %v", v, name, got.Shape().Dimensions, p.Shape().Dimensions)
			}
		}
	}
}

// TestSameRunAsPyTorch starts the three models from PyTorch's initial
// weights (torch.manual_seed(0)) and checks that training prints the
// lecture's 45 lines exactly as PyTorch printed them, with losses within 1e-5
// of PyTorch's.
func TestSameRunAsPyTorch(t *testing.T) {
	want, _ := referenceLines(t)
	init := loadInit(t)
	var printed strings.Builder
	for v := 1; v <= 3; v++ {
		losses, _ := variant(v, seeded(0), pytorchStart(init, 0, v), 15, &printed)
		torch := rnn.Float64s(init[fmt.Sprintf("s0.losses.v%d", v)])
		for i := range torch {
			if math.Abs(losses[i]-torch[i]) > 1e-5 {
				t.Errorf("variant %d, epoch %d: loss %v, PyTorch %v", v, i+1, losses[i], torch[i])
			}
		}
	}
	got := strings.Split(strings.TrimSuffix(printed.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines printed, PyTorch printed %d:\n%s", len(got), len(want), printed.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n  Go:      %s\n  PyTorch: %s", i+1, got[i], want[i])
		}
	}
}

// TestSameSeedsAsPyTorch does the same for the 30 seeds of the reference:
// from PyTorch's initial weights, the final lines match PyTorch's and the
// counts of "ohlol" are PyTorch's (pytorchReached).
func TestSameSeedsAsPyTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("90 trainings")
	}
	_, want := referenceLines(t)
	init := loadInit(t)
	var counts [3]int
	for s := range 30 {
		for v := 1; v <= 3; v++ {
			var printed strings.Builder
			_, predicted := variant(v, seeded(s), pytorchStart(init, s, v), 15, &printed)
			lines := strings.Split(strings.TrimSuffix(printed.String(), "\n"), "\n")
			if got := lines[len(lines)-1]; !sameLine(got, want[3*s+v-1]) {
				t.Errorf("seed %d variant %d:\n  Go:      %s\n  PyTorch: %s", s, v, got, want[3*s+v-1])
			}
			if predicted == "ohlol" {
				counts[v-1]++
			}
		}
	}
	if counts != pytorchReached {
		t.Errorf("from PyTorch's weights, %v of 30 seeds reach ohlol; PyTorch: %v", counts, pytorchReached)
	}
}

// TestAutodiffSameLosses: TrainLecture with GoMLX's autodiff trains to the
// losses of pkg/rnn's hand-derived gradients.
func TestAutodiffSameLosses(t *testing.T) {
	for v := 1; v <= 3; v++ {
		custom, auto := TrainLecture(v, false, 15), TrainLecture(v, true, 15)
		if len(custom) != 15 || len(auto) != 15 {
			t.Fatalf("variant %d: %d and %d losses, want 15", v, len(custom), len(auto))
		}
		for i := range custom {
			if math.Abs(auto[i]-custom[i]) > 1e-5 {
				t.Errorf("variant %d, epoch %d: autodiff loss %v, custom gradients %v", v, i+1, auto[i], custom[i])
			}
		}
	}
}

// TestHelloInitIsRealPyTorch regenerates notebooks/data/hello-init.npz with
// PyTorch where installed and compares every array.
func TestHelloInitIsRealPyTorch(t *testing.T) {
	py := pyref.Require(t, "hello-init.npz")
	path := filepath.Join(t.TempDir(), "hello-init.npz")
	out, err := exec.Command(py, "../../tools/pytorch/hello_ohlol.py", "--seeds", "30", "--save-init", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r := pytorchReached
	if !strings.Contains(string(out), fmt.Sprintf("reached ohlol at epoch 15: [%d, %d, %d] (of 30 seeds)", r[0], r[1], r[2])) {
		t.Errorf("PyTorch's counts changed:\n%s", out)
	}
	regen, err := numpy.FromNpzFile(path)
	if err != nil {
		t.Fatal(err)
	}
	committed := loadInit(t)
	if len(regen) != len(committed) {
		t.Errorf("%d arrays regenerated, %d committed", len(regen), len(committed))
	}
	for k, c := range committed {
		r, ok := regen[k]
		if !ok {
			t.Errorf("%s not regenerated", k)
			continue
		}
		cv, rv := rnn.Float64s(c), rnn.Float64s(r)
		for i := range cv {
			if math.Abs(cv[i]-rv[i]) > 1e-6*math.Max(1, math.Abs(cv[i])) {
				t.Errorf("%s[%d]: committed %v, regenerated %v", k, i, cv[i], rv[i])
				break
			}
		}
	}
}
