package scenarios_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// BenchmarkJudgeSpilled judges the history of double-credit run for 300 s
// of simulated time in memory and spilled to disk (every full chunk),
// alternately, and reports the cost per record of each, their ratio and
// the chunks read back per judging:
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
	var mem, disk time.Duration
	r0 := spilled.SpillReads()
	for b.Loop() { // alternately, so that both see the same machine
		t0 := time.Now()
		scenarios.Judge(o.History, s.Checks)
		t1 := time.Now()
		scenarios.Judge(spilled, s.Checks)
		mem, disk = mem+t1.Sub(t0), disk+time.Since(t1)
	}
	n := float64(b.N) * float64(spilled.Len())
	b.ReportMetric(float64(mem.Nanoseconds())/n, "mem-ns/record")
	b.ReportMetric(float64(disk.Nanoseconds())/n, "spilled-ns/record")
	b.ReportMetric(float64(disk)/float64(mem), "spilled/mem")
	b.ReportMetric(float64(spilled.SpillReads()-r0)/float64(b.N), "chunk-reads/op")
	b.ReportMetric(float64(spilled.Len()/4096), "chunks")
}
