package scenarios_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// BenchmarkJudgeSpilled judges the history of double-credit run for 300 s
// of simulated time in memory and spilled to disk (every full chunk), and
// reports the cost per record and the chunks read back per judging:
//
//	go test ./scenarios -run '^$' -bench JudgeSpilled -benchtime 3x
func BenchmarkJudgeSpilled(b *testing.B) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		b.Fatal(err)
	}
	s.Duration = 300 * time.Second
	for i := range s.System.Producers {
		s.System.Producers[i].Stop = 0
	}
	o, err := s.Run(1)
	if err != nil {
		b.Fatal(err)
	}
	spilled := &history.History{}
	spilled.SpillOver(1, b.TempDir())
	for _, e := range o.History.All() {
		spilled.Add(e)
	}
	defer spilled.Close()
	for _, c := range []struct {
		name string
		h    *history.History
	}{{"memory", o.History}, {"spilled", spilled}} {
		b.Run(c.name, func(b *testing.B) {
			r0 := c.h.SpillReads()
			t0 := time.Now()
			for b.Loop() {
				scenarios.Judge(c.h, s.Checks)
			}
			b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(b.N)/float64(c.h.Len()), "ns/record")
			b.ReportMetric(float64(c.h.SpillReads()-r0)/float64(b.N), "chunk-reads/op")
			b.ReportMetric(float64(c.h.Len()/4096), "chunks")
		})
	}
}
