package seq2seq

import (
	"testing"
)

// BenchmarkMathorTraining measures mathor's training: one op is one epoch
// (2 steps of batch 3, Adam), after a first epoch that compiles the graph.
//
//	go test -run '^$' -bench MathorTraining ./pkg/seq2seq/
func BenchmarkMathorTraining(b *testing.B) {
	b.Run("custom", func(b *testing.B) { benchMathor(b, false) })
	b.Run("autodiff", func(b *testing.B) { benchMathor(b, true) })
}

func benchMathor(b *testing.B, autodiff bool) {
	m, err := NewMathor()
	if err != nil {
		b.Fatal(err)
	}
	cfg := MathorTraining()
	cfg.Epochs, cfg.Autodiff = 1, autodiff
	if _, err := Train(m, MathorPairs, cfg); err != nil {
		b.Fatal(err)
	}
	cfg.Epochs = b.N + 1
	b.ResetTimer()
	res, err := Train(m, MathorPairs, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Duration.Microseconds())/float64(2*(b.N+1)), "µs/step")
}
