//go:build unix

package main

import (
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/evsim/evsim/scenarios"
)

// cpuSeconds reads the CPU time the process has used so far, as the
// kernel counts it, and, as the Go runtime estimates them, the time it
// was busy and the garbage collector's part of that (the runtime's
// estimates count the time the process was runnable but not running on
// a busy machine, so only their ratio is told).
func cpuSeconds() (total, busy, gc float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	s := []metrics.Sample{{Name: "/cpu/classes/total:cpu-seconds"}, {Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	return tv(ru.Utime) + tv(ru.Stime), s[0].Value.Float64() - s[1].Value.Float64(), s[2].Value.Float64()
}

// BenchmarkSweepWorkers measures how a sweep scales from one worker to
// two: each iteration sweeps the same seeds of a mix of scenarios with 1
// worker and with 2 (each first in turn), and the ratio of their seeds
// per second is the speedup (2 at best), measured in one run so that both
// see the same machine. Sixteen seeds of each scenario make 96 runs of a
// few milliseconds each, handed out one at a time, costliest scenario
// first (feed), so that the idle tail of the last run is a small part of
// a sweep. It also reports the CPU
// each seed costs and the garbage collector's share of it, for each (the
// collector runs beside a single worker on an otherwise idle core, and
// competes with the second one), and the cores the sweep kept busy (CPU
// time over wall time): on a machine that other work keeps busy, two
// workers get less than two cores, and the speedup is bounded by what
// they got, not by the sweep.
// Run it with
//
//	go test ./cmd/evsim -run '^$' -bench SweepWorkers -benchtime 3x -count 3
//
// and with GOGC=100 in the environment to see the sweep without its
// garbage collector setting (tuneGC).
func BenchmarkSweepWorkers(b *testing.B) {
	list, err := load([]string{"double-credit", "idempotent-consumer", "rebalance-storm", "stale-read", "cart-checkout", "gap-skipped"})
	if err != nil {
		b.Fatal(err)
	}
	seeds := whole.seeds(1, 16)
	defer tuneGC()()                              // as evsim sweep does, unless GOGC is set
	intr := &interrupt{stop: make(chan struct{})} // never stops
	var took [3]time.Duration
	var cpu, busy, gc [3]float64
	iters := 0
	for b.Loop() {
		iters++
		order := []int{1, 2}
		if iters%2 == 0 {
			order = []int{2, 1} // each goes first in turn, so that both see the same load
		}
		for _, w := range order {
			start := time.Now()
			cpu0, busy0, gc0 := cpuSeconds()
			if err := sweepAll(list, seeds, w, scenarios.DefaultBounds, nil, true, intr, func(*scenarios.Scenario, *sweepLine) error { return nil }); err != nil {
				b.Fatal(err)
			}
			took[w] += time.Since(start)
			cpu1, busy1, gc1 := cpuSeconds()
			cpu[w] += cpu1 - cpu0
			busy[w] += busy1 - busy0
			gc[w] += gc1 - gc0
		}
	}
	runs := float64(iters * len(list) * len(seeds))
	for w, name := range []string{"", "1w", "2w"} {
		if w == 0 {
			continue
		}
		b.ReportMetric(runs/took[w].Seconds(), "seeds/s-"+name)
		b.ReportMetric(cpu[w]/runs*1e3, "cpu-ms/seed-"+name)
		b.ReportMetric(gc[w]/busy[w], "gc-share-"+name)
		b.ReportMetric(cpu[w]/took[w].Seconds(), "cores-"+name)
	}
	b.ReportMetric(took[1].Seconds()/took[2].Seconds(), "speedup")
}
