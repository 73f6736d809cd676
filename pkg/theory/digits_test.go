package theory

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/nndl-hw9/rnngo/pkg/seq2seq"
)

func TestDigitSum(t *testing.T) {
	train, test, err := DigitSum(7, 500, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 500 || len(test) != 200 {
		t.Fatalf("got %d and %d sequences", len(train), len(test))
	}
	seen := map[string]bool{}
	counts := make([]int, DigitSumClasses)
	for _, p := range append(append([]seq2seq.Pair{}, train...), test...) {
		if len(p.Source) != 7 || strings.Trim(p.Source, "0123456789") != "" {
			t.Fatalf("source %q is not 7 digits", p.Source)
		}
		if seen[p.Source] {
			t.Fatalf("source %q drawn twice (train and test must not share sequences)", p.Source)
		}
		seen[p.Source] = true
		sum, _ := strconv.Atoi(p.Target)
		if want := int(p.Source[0]-'0') + int(p.Source[1]-'0'); sum != want || p.Target != strconv.Itoa(want) {
			t.Fatalf("%q → %q, want %d", p.Source, p.Target, want)
		}
		counts[sum]++
	}
	if counts[9] < counts[0] || counts[9] < counts[18] {
		t.Errorf("sums are not triangular around 9: %v", counts)
	}
	again, _, _ := DigitSum(7, 500, 200, 42)
	if !reflect.DeepEqual(train, again) {
		t.Errorf("the same seed gave other data")
	}
	other, _, _ := DigitSum(7, 500, 200, 43)
	if reflect.DeepEqual(train, other) {
		t.Errorf("another seed gave the same data")
	}
	// The distractors are uniform: every digit appears at the last position.
	var last [10]int
	for _, p := range train {
		last[p.Source[6]-'0']++
	}
	for d, n := range last {
		if n < 20 {
			t.Errorf("digit %d is the last of only %d of 500 sequences", d, n)
		}
	}
	for _, c := range []struct {
		k, train, test int
		want           string
	}{{2, 10, 10, "at least 3 digits"}, {5, 0, 10, "positive train and test sizes"}, {3, 400, 200, "only 10^3 exist"}} {
		if _, _, err := DigitSum(c.k, c.train, c.test, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DigitSum(%d, %d, %d): error %v, want %q", c.k, c.train, c.test, err, c.want)
		}
	}
}

func TestDigitTensors(t *testing.T) {
	digits, sums, err := DigitTensors([]seq2seq.Pair{{Source: "1234", Target: "3"}, {Source: "9900", Target: "18"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := digits.Value().([][]int32); !reflect.DeepEqual(got, [][]int32{{1, 2, 3, 4}, {9, 9, 0, 0}}) {
		t.Errorf("digits %v", got)
	}
	if got := sums.Value().([][]int32); !reflect.DeepEqual(got, [][]int32{{3}, {18}}) {
		t.Errorf("sums %v", got)
	}
	for _, bad := range []struct {
		pairs []seq2seq.Pair
		want  string
	}{
		{[]seq2seq.Pair{{Source: "12", Target: "3"}, {Source: "123", Target: "3"}}, `source "123" has 3 digits, the first of the batch 2`},
		{[]seq2seq.Pair{{Source: "1a", Target: "1"}}, `'a' is not a digit 0–9`},
		{[]seq2seq.Pair{{Source: "12", Target: "19"}}, `target "19" of source "12" is not a sum 0–18`},
		{nil, "no pairs"},
	} {
		if _, _, err := DigitTensors(bad.pairs); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("DigitTensors(%v): error %v, want %q", bad.pairs, err, bad.want)
		}
	}
}

// TestBatches: every pass yields each pair at most once, in batches of the
// batch size, and drops the remainder; the same rng gives the same batches.
func TestBatches(t *testing.T) {
	pairs, _, err := DigitSum(5, 70, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	yield := func(b *Batches, n int) (batches [][]string) {
		for range n {
			_, inputs, labels, err := b.Yield()
			if err != nil {
				t.Fatal(err)
			}
			if got := inputs[0].Shape().Dimensions; !reflect.DeepEqual(got, []int{32, 5}) || labels[0].Shape().Dimensions[0] != 32 {
				t.Fatalf("batch of %v digits and %v sums", got, labels[0].Shape().Dimensions)
			}
			rows := tensors.MustCopyFlatData[int32](inputs[0])
			var sources []string
			for i := range 32 {
				s := ""
				for _, d := range rows[5*i : 5*i+5] {
					s += strconv.Itoa(int(d))
				}
				sources = append(sources, s)
			}
			batches = append(batches, sources)
		}
		return batches
	}
	got := yield(NewBatches(pairs, 32, rand.New(rand.NewPCG(1, 2))), 6) // 3 passes of 2 batches (6 pairs dropped a pass)
	for pass := range 3 {
		seen := map[string]bool{}
		for _, s := range append(got[2*pass], got[2*pass+1]...) {
			if seen[s] {
				t.Errorf("pass %d yields %s twice", pass+1, s)
			}
			seen[s] = true
		}
	}
	if reflect.DeepEqual(got[0], got[2]) {
		t.Errorf("the second pass is not reshuffled")
	}
	if again := yield(NewBatches(pairs, 32, rand.New(rand.NewPCG(1, 2))), 6); !reflect.DeepEqual(got, again) {
		t.Errorf("the same rng gave other batches")
	}
	defer func() {
		if r := recover(); r == nil {
			t.Errorf("a batch larger than the data did not panic")
		}
	}()
	NewBatches(pairs, 71, rand.New(rand.NewPCG(1, 2)))
}
