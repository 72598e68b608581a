package checks_test

import (
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// BenchmarkJudge runs every check of a few built-in scenarios on one
// history of each, through one judgement that shares their passes: the
// checks' share of a sweep's work per seed.
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
		var cs []checks.Check
		for _, n := range s.Checks {
			c, err := checks.Lookup(n)
			if err != nil {
				b.Fatal(err)
			}
			cs = append(cs, c)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				j := checks.NewJudgement(o.History)
				for _, c := range cs {
					j.Run(c)
				}
			}
			b.ReportMetric(float64(o.History.Len()), "records")
		})
	}
}
