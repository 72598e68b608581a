package scenarios_test

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// BenchmarkGrowth runs double-credit and stale-read for 10 s and for
// 1000 s of simulated time (publishing and commanding the whole time) and
// reports the cost of a kernel event, run and judged (ns/event) and run
// alone (sim-ns/event), the peak heap (history chunks mapped outside the
// heap included) and the history's bytes per kernel event, and the cost of judging alone (judge-ns/event). A simulator that
// grows linearly costs the same per event at both lengths. The runs of
// 1000 s run again spilling their history past 16 MiB of memory
// (sim=16m40s-spill), for the peak heap and the cost of judging a spilled
// history:
//
//	go test ./scenarios -run '^$' -bench Growth -benchtime 1x -count 3
func BenchmarkGrowth(b *testing.B) {
	for _, name := range []string{"double-credit", "stale-read"} {
		for _, d := range []time.Duration{10 * time.Second, 1000 * time.Second} {
			b.Run(name+"/sim="+d.String(), func(b *testing.B) { benchGrowth(b, name, d, growthBounds) })
		}
		b.Run(name+"/sim=16m40s-spill", func(b *testing.B) { benchGrowth(b, name, 1000*time.Second, spillBounds) })
	}
}

// growthBounds lets the long runs finish: they are measured, not bounded.
var growthBounds = scenarios.Bounds{Events: 200_000_000, HistoryBytes: 4 << 30}

// spillBounds are growthBounds with a history that spills past 16 MiB.
var spillBounds = scenarios.Bounds{Events: 200_000_000, HistoryBytes: 4 << 30, MemoryBytes: 16 << 20}

func benchGrowth(b *testing.B, name string, d time.Duration, bounds scenarios.Bounds) {
	var events uint64
	var peak, hist uint64
	var el, simEl, judgeEl time.Duration
	for b.Loop() {
		s, err := scenarios.Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		s.Duration = d
		for i := range s.System.Producers {
			s.System.Producers[i].Stop = 0
		}
		for i := range s.ES.Clients {
			s.ES.Clients[i].Stop = 0
		}
		for i := range s.ES.Queries {
			s.ES.Queries[i].Stop = 0
		}
		runtime.GC()
		base := heapBytes()
		stop, done := make(chan struct{}), make(chan uint64)
		go func() { // a sampler outside the world: the heap's high point
			m := base
			t := time.NewTicker(2 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					done <- max(m, heapBytes())
					return
				case <-t.C:
					m = max(m, heapBytes())
				}
			}
		}()
		names := s.Checks
		s.Checks, s.Expect = nil, nil // judged below, timed apart
		t0 := time.Now()
		o, err := s.RunWithin(1, bounds)
		t1 := time.Now()
		if err == nil {
			scenarios.Judge(o.History, names)
		}
		t2 := time.Now()
		simEl, el, judgeEl = simEl+t1.Sub(t0), el+t2.Sub(t0), judgeEl+t2.Sub(t1)
		close(stop)
		p := <-done
		if err != nil {
			b.Fatal(err)
		}
		if o.Bounded {
			b.Fatalf("bounded: %v", o.Failures)
		}
		events += o.Events
		peak = max(peak, (p-base)/max(o.Events, 1))
		hist = max(hist, uint64(o.History.Size())/max(o.Events, 1))
		// Closed, not released to the pool of histories the next run would
		// take: each run starts from nothing, as a single evsim run does,
		// and the memory it measures is its own.
		if err := o.History.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(el.Nanoseconds())/float64(events), "ns/event")
	b.ReportMetric(float64(simEl.Nanoseconds())/float64(events), "sim-ns/event")
	b.ReportMetric(float64(judgeEl.Nanoseconds())/float64(events), "judge-ns/event")
	b.ReportMetric(float64(peak), "peak-B/event")
	b.ReportMetric(float64(hist), "hist-B/event")
	b.ReportMetric(float64(events)/float64(b.N), "events/run")
}

// heapBytes returns the bytes of the heap's live and unswept objects and
// of the history chunks mapped outside the heap.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + uint64(history.MappedBytes())
}

// BenchmarkJudge judges the history of double-credit run for 300 s of
// simulated time with its checks, and reports the cost per record:
//
//	go test ./scenarios -run '^$' -bench Judge -benchtime 3x
func BenchmarkJudge(b *testing.B) {
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
	h := o.History
	t0 := time.Now()
	for b.Loop() {
		scenarios.Judge(h, s.Checks)
	}
	b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(b.N)/float64(h.Len()), "ns/record")
	b.ReportMetric(float64(h.Len()), "records")
}
