package seq2seq

import (
	"io"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/train"
)

// pairsDataset is Train's train.Dataset: every epoch the pairs in a new
// order (shuffled, given, or as they are), cut into batches of the batch
// size (the last one smaller if they do not divide evenly) and encoded by
// the model's Examples; io.EOF at the end of an epoch.
type pairsDataset struct {
	model   Model
	pairs   []Pair
	batch   int
	shuffle bool
	rng     *rand.Rand
	orders  [][]int
	epoch   int
	order   []int
	next    int
}

var _ train.Dataset = (*pairsDataset)(nil)

// newPairsDataset returns the dataset, ready for its first epoch.
func newPairsDataset(model Model, pairs []Pair, cfg Config) *pairsDataset {
	d := &pairsDataset{model: model, pairs: pairs, batch: cfg.batchSize(), shuffle: cfg.Shuffle, orders: cfg.Orders,
		rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed))}
	d.Reset()
	return d
}

// Name implements train.Dataset.
func (d *pairsDataset) Name() string { return "pairs" }

// Reset starts the next epoch.
func (d *pairsDataset) Reset() {
	switch {
	case d.orders != nil && d.epoch < len(d.orders):
		d.order = d.orders[d.epoch]
	case d.shuffle:
		d.order = d.rng.Perm(len(d.pairs))
	default:
		d.order = make([]int, len(d.pairs))
		for i := range d.order {
			d.order[i] = i
		}
	}
	d.epoch++
	d.next = 0
}

// Yield implements train.Dataset: the next batch's inputs and labels, io.EOF after the last.
func (d *pairsDataset) Yield() (any, []*tensors.Tensor, []*tensors.Tensor, error) {
	if d.next >= len(d.order) {
		return nil, nil, nil, io.EOF
	}
	idx := d.order[d.next:min(d.next+d.batch, len(d.order))]
	d.next += len(idx)
	batch := make([]Pair, len(idx))
	for i, j := range idx {
		batch[i] = d.pairs[j]
	}
	inputs, labels, err := d.model.Examples(batch)
	if err != nil {
		return nil, nil, nil, err
	}
	return nil, inputs, []*tensors.Tensor{labels}, nil
}
