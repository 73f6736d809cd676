package theory

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/train"

	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

// DigitSumClasses is the number of classes of the digit-sum task: the sum of
// two digits 0–9 is 0…18.
const DigitSumClasses = 19

// DigitSum generates the memory-capacity task of the practice book
// (《神经网络与深度学习：案例与实践》 §6.1, 数字求和): sequences of k digits
// 0–9 whose label is the sum of the first two, the other k−2 digits random
// distractors (the book keeps them mostly 0; here every one is uniform in
// 0–9, so the network must ignore them). Each example is a seq2seq.Pair:
// Source the k digits as a string ("3719…"), Target the sum in decimal
// ("10").
//
// Every digit is drawn uniformly from math/rand/v2's PCG seeded with
// (seed, k), so the same seed and k give the same data. The nTrain training
// and nTest test sequences are all different: a test sequence never appears
// in training (and no sequence twice). It fails for k < 3 (no distractor),
// non-positive sizes, or more sequences than 10^k can provide.
func DigitSum(k, nTrain, nTest int, seed uint64) (train, test []seq2seq.Pair, err error) {
	switch {
	case k < 3:
		return nil, nil, fmt.Errorf("theory.DigitSum: sequences need at least 3 digits (two to add, one distractor), got k=%d", k)
	case nTrain <= 0 || nTest <= 0:
		return nil, nil, fmt.Errorf("theory.DigitSum: want positive train and test sizes, got %d and %d", nTrain, nTest)
	case k < 10 && float64(nTrain+nTest) > 0.5*pow10(k):
		return nil, nil, fmt.Errorf("theory.DigitSum: %d distinct sequences asked for, but only 10^%d exist (at most half of them may be drawn)",
			nTrain+nTest, k)
	}
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	seen := make(map[string]bool, nTrain+nTest)
	draw := func(n int) []seq2seq.Pair {
		pairs := make([]seq2seq.Pair, 0, n)
		digits := make([]byte, k)
		for len(pairs) < n {
			for i := range digits {
				digits[i] = byte('0' + rng.IntN(10))
			}
			s := string(digits)
			if seen[s] {
				continue
			}
			seen[s] = true
			sum := int(digits[0]-'0') + int(digits[1]-'0')
			pairs = append(pairs, seq2seq.Pair{Source: s, Target: strconv.Itoa(sum)})
		}
		return pairs
	}
	train = draw(nTrain)
	test = draw(nTest)
	return train, test, nil
}

func pow10(k int) float64 {
	p := 1.0
	for range k {
		p *= 10
	}
	return p
}

// ChanceAccuracy is the accuracy of guessing uniformly among the 19 classes,
// 1/19 ≈ 0.053.
const ChanceAccuracy = 1.0 / DigitSumClasses

// MajorityAccuracy is the accuracy of always answering the most frequent
// sum, 9 (10 of the 100 digit pairs): 0.1.
const MajorityAccuracy = 0.1

// DigitTensors encodes digit-sum pairs as one batch: the digits [N, K]
// int32 (every source K digits long, K ≥ 1) and the sums [N, 1] int32
// (class indices 0…18), as an nn.Embedding and a cross-entropy take them.
// It fails, naming the pair, for a source of another length, a character
// that is not a digit or a target that is not a sum 0…18.
func DigitTensors(pairs []seq2seq.Pair) (digits, sums *tensors.Tensor, err error) {
	if len(pairs) == 0 {
		return nil, nil, fmt.Errorf("theory.DigitTensors: no pairs to encode")
	}
	k := len(pairs[0].Source)
	x := make([]int32, 0, len(pairs)*k)
	labels := make([]int32, len(pairs))
	for i, p := range pairs {
		if len(p.Source) != k || k == 0 {
			return nil, nil, fmt.Errorf("theory.DigitTensors: source %q has %d digits, the first of the batch %d: want one length (and at least 1)",
				p.Source, len(p.Source), k)
		}
		for _, ch := range []byte(p.Source) {
			if ch < '0' || ch > '9' {
				return nil, nil, fmt.Errorf("theory.DigitTensors: source %q: %q is not a digit 0–9", p.Source, ch)
			}
			x = append(x, int32(ch-'0'))
		}
		sum, err := strconv.Atoi(p.Target)
		if err != nil || sum < 0 || sum >= DigitSumClasses {
			return nil, nil, fmt.Errorf("theory.DigitTensors: target %q of source %q is not a sum 0–%d", p.Target, p.Source, DigitSumClasses-1)
		}
		labels[i] = int32(sum)
	}
	return tensors.FromFlatDataAndDimensions(x, len(pairs), k), tensors.FromFlatDataAndDimensions(labels, len(pairs), 1), nil
}

// Batches is digit-sum data as a GoMLX train.Dataset, what PyTorch's
// DataLoader(dataset, batch_size, shuffle=True, drop_last=True) yields,
// epoch after epoch without end (train.Loop.RunSteps counts the steps):
// the pairs in a random order drawn from its rng, BatchSize at a time,
// encoded by DigitTensors, and a new order whenever fewer than BatchSize
// pairs are left.
type Batches struct {
	pairs []seq2seq.Pair
	batch int
	rng   *rand.Rand
	order []int
	next  int
}

var _ train.Dataset = (*Batches)(nil)

// NewBatches returns the batches of batchSize (1 ≤ batchSize ≤ len(pairs))
// of pairs, shuffled by rng. It panics on a batch size out of range.
func NewBatches(pairs []seq2seq.Pair, batchSize int, rng *rand.Rand) *Batches {
	if batchSize < 1 || batchSize > len(pairs) {
		panic(fmt.Sprintf("theory.NewBatches: batch size %d for %d pairs", batchSize, len(pairs)))
	}
	return &Batches{pairs: pairs, batch: batchSize, rng: rng}
}

// Name implements train.Dataset.
func (b *Batches) Name() string { return "digit-sum batches" }

// Reset implements train.Dataset: the next batch starts a new order.
func (b *Batches) Reset() { b.order = nil }

// Yield implements train.Dataset: the next batch's digits and sums.
func (b *Batches) Yield() (spec any, inputs, labels []*tensors.Tensor, err error) {
	if b.order == nil || b.next+b.batch > len(b.order) {
		b.order, b.next = b.rng.Perm(len(b.pairs)), 0
	}
	chunk := make([]seq2seq.Pair, b.batch)
	for i := range chunk {
		chunk[i] = b.pairs[b.order[b.next+i]]
	}
	b.next += b.batch
	digits, sums, err := DigitTensors(chunk)
	if err != nil {
		return nil, nil, nil, err
	}
	return nil, []*tensors.Tensor{digits}, []*tensors.Tensor{sums}, nil
}
