package checks_test

import (
	"testing"

	"github.com/evsim/evsim/scenarios"
)

// BenchmarkJudge runs every check of a few built-in scenarios on one
// history of each: the checks' share of a sweep's work per seed.
//
//	go test ./checks -run '^$' -bench Judge -benchmem
func BenchmarkJudge(b *testing.B) {
	for _, name := range []string{"double-credit", "rebalance-storm", "cart-checkout", "stale-read"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		o, err := s.Run(s.Seed)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				scenarios.Judge(o.History, s.Checks)
			}
			b.ReportMetric(float64(o.History.Len()), "records")
		})
	}
}
