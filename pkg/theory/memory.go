package theory

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// MemoryConfig is the memory-capacity experiment: for every sequence
// length K, DigitSum data, and a Classifier of every kind trained on it with
// seq2seq.Train (Adam, shuffled batches) and scored on the test sequences.
type MemoryConfig struct {
	// Ks are the sequence lengths, Kinds the models (every kind is trained
	// on the same data for a given K).
	Ks    []int
	Kinds []Kind
	// Train and Test are the numbers of sequences per K; DataSeed seeds
	// DigitSum.
	Train, Test int
	DataSeed    uint64
	// Embed and Hidden are the Classifier's sizes.
	Embed, Hidden int
	// Epochs, BatchSize, LearningRate and Seed are seq2seq.Config's (Seed
	// initialises the parameters and shuffles the batches).
	Epochs, BatchSize int
	LearningRate      float64
	Seed              int64
	// Chrono initialises the LSTM's gate biases for memories of up to K
	// steps (Classifier.Chrono = K); false keeps PyTorch's initialisation.
	Chrono bool
	// Parallel is how many models train at once (at least 1): on the
	// pure-Go backend most operations of a recurrent graph run on one core,
	// so two or three trainings side by side use a 2-core machine better.
	// The results do not depend on it.
	Parallel int
	// OnLoop, if set, receives every training's train.Loop (for
	// nb.ProgressBar); with Parallel > 1 it is called from several
	// goroutines.
	OnLoop func(loop *train.Loop) `json:"-"`
}

// DefaultMemory is the notebook's default run, sized to take about two
// minutes on a 2-core machine: K = 5, 10, …, 35; SRN, LSTM, GRU;
// 3200 training and 1000 test sequences per K (data seed 1);
// Embedding(10, 16), hidden size 32; Adam(lr=0.01), batch 32, 6 epochs
// (600 steps); seed 1; the LSTM's chrono initialisation; 3 models at once.
func DefaultMemory() MemoryConfig {
	return MemoryConfig{Ks: []int{5, 10, 15, 20, 25, 30, 35}, Kinds: slices.Clone(Kinds), Train: 3200, Test: 1000, DataSeed: 1,
		Embed: 16, Hidden: 32, Epochs: 6, BatchSize: 32, LearningRate: 0.01, Seed: 1, Chrono: true, Parallel: 3}
}

// FullMemory is the larger, slower run (the notebook's full switch): the
// practice book's sizes, Embedding(10, 32) and hidden size 32, 10000
// training sequences per K, 10 epochs of batch 32 (3130 steps); about six
// times the default's time.
func FullMemory() MemoryConfig {
	c := DefaultMemory()
	c.Train, c.Embed, c.Epochs = 10000, 32, 10
	return c
}

func (c MemoryConfig) check() error {
	switch {
	case len(c.Ks) == 0 || len(c.Kinds) == 0:
		return fmt.Errorf("theory.Memory: want at least one K and one kind, got Ks %v and kinds %v", c.Ks, c.Kinds)
	case c.Parallel < 1:
		return fmt.Errorf("theory.Memory: Parallel must be at least 1, got %d", c.Parallel)
	case c.Epochs < 1 || c.BatchSize < 1 || !(c.LearningRate > 0):
		return fmt.Errorf("theory.Memory: want positive epochs, batch size and learning rate, got %d, %d, %g", c.Epochs, c.BatchSize, c.LearningRate)
	}
	for _, k := range c.Kinds {
		if err := (Classifier{Kind: k}).check(); err != nil {
			return err
		}
	}
	return nil
}

// Classifier is the model the experiment trains for kind at length k.
func (c MemoryConfig) Classifier(kind Kind, k int) Classifier {
	m := Classifier{Kind: kind, Embed: c.Embed, Hidden: c.Hidden}
	if c.Chrono && kind == LSTM {
		m.Chrono = k
	}
	return m
}

// Training is the seq2seq.Config every model trains with (OnLoop aside).
func (c MemoryConfig) Training() seq2seq.Config {
	return seq2seq.Config{Epochs: c.Epochs, LearningRate: c.LearningRate, BatchSize: c.BatchSize, Shuffle: true, Seed: c.Seed}
}

// MemoryResult is what Memory measured: for every kind, one entry per K
// (in the order of Ks).
type MemoryResult struct {
	Ks []int `json:"ks"`
	// Accuracy is the test accuracy, Loss the mean training loss of the
	// last epoch.
	Accuracy map[Kind][]float64 `json:"accuracy"`
	Loss     map[Kind][]float64 `json:"loss"`
	// Duration is the wall time of the whole experiment.
	Duration time.Duration `json:"-"`
}

// At returns the test accuracy of kind at length k, and whether it was measured.
func (r *MemoryResult) At(kind Kind, k int) (float64, bool) {
	i := slices.Index(r.Ks, k)
	if i < 0 || len(r.Accuracy[kind]) <= i {
		return 0, false
	}
	return r.Accuracy[kind][i], true
}

// Memory runs the experiment: it generates the data of every K, trains
// every (kind, K) model with seq2seq.Train, cfg.Parallel at a time (the
// costliest first), and scores each on its test sequences.
func Memory(cfg MemoryConfig) (*MemoryResult, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	type data struct{ train, test []seq2seq.Pair }
	sets := make([]data, len(cfg.Ks))
	for i, k := range cfg.Ks {
		tr, te, err := DigitSum(k, cfg.Train, cfg.Test, cfg.DataSeed)
		if err != nil {
			return nil, fmt.Errorf("theory.Memory: %w", err)
		}
		sets[i] = data{tr, te}
	}
	res := &MemoryResult{Ks: slices.Clone(cfg.Ks), Accuracy: map[Kind][]float64{}, Loss: map[Kind][]float64{}}
	type job struct {
		kind Kind
		ki   int
		cost int
	}
	var jobs []job
	gates := map[Kind]int{SRN: 1, LSTM: 4, GRU: 3}
	for _, kind := range cfg.Kinds {
		res.Accuracy[kind] = make([]float64, len(cfg.Ks))
		res.Loss[kind] = make([]float64, len(cfg.Ks))
		for i, k := range cfg.Ks {
			jobs = append(jobs, job{kind, i, (1 + gates[kind]) * k})
		}
	}
	sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].cost > jobs[b].cost })
	start := time.Now()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	queue := make(chan job)
	for range cfg.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				k := cfg.Ks[j.ki]
				model := cfg.Classifier(j.kind, k)
				tc := cfg.Training()
				tc.OnLoop = cfg.OnLoop
				acc, loss, err := trainAndScore(model, sets[j.ki].train, sets[j.ki].test, tc)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("theory.Memory: %s at K=%d: %w", j.kind, k, err)
				}
				res.Accuracy[j.kind][j.ki], res.Loss[j.kind][j.ki] = acc, loss
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	res.Duration = time.Since(start)
	return res, nil
}

func trainAndScore(model Classifier, trainSet, testSet []seq2seq.Pair, cfg seq2seq.Config) (acc, loss float64, err error) {
	r, err := seq2seq.Train(model, trainSet, cfg)
	if err != nil {
		return 0, 0, err
	}
	if acc, err = Accuracy(r.Ctx, model, testSet); err != nil {
		return 0, 0, err
	}
	return acc, r.Last.Loss, nil
}
