package theory

import (
	"fmt"
	"math/rand/v2"
	"strconv"

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
