package scenarios_test

import (
	"slices"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// roundTrips returns the time from each command's first command record
// to its ok command-return, in nanoseconds.
func roundTrips(h *history.History) []int64 {
	first := map[string]int64{}
	var out []int64
	for _, e := range h.Entries() {
		switch e.Kind {
		case history.Command:
			if _, ok := first[e.Command]; !ok {
				first[e.Command] = e.At
			}
		case history.CommandReturn:
			if at, ok := first[e.Command]; ok && e.Outcome == history.OutcomeOK {
				out = append(out, e.At-at)
			}
		}
	}
	return out
}

// TestInlineProjectionCostsWriteLatency: the inline projection buys
// read-your-writes with write latency. Over the same seeds, the commands
// of inline-projection take longer from first send to their ok answer
// than those of stale-read, its twin with the async projector, at the
// median and the 99th percentile, since each append's transaction also
// applies the projection.
func TestInlineProjectionCostsWriteLatency(t *testing.T) {
	pct := func(name string) (p50, p99 int64) {
		var all []int64
		for seed := uint64(1); seed <= 5; seed++ {
			o := run(t, builtin(t, name), seed)
			all = append(all, roundTrips(o.History)...)
			o.Release()
		}
		if len(all) < 100 {
			t.Fatalf("%s: %d ok commands over 5 seeds, want at least 100", name, len(all))
		}
		slices.Sort(all)
		return all[len(all)/2], all[len(all)*99/100]
	}
	a50, a99 := pct("stale-read")
	i50, i99 := pct("inline-projection")
	t.Logf("median %.1fms -> %.1fms, 99th percentile %.1fms -> %.1fms", float64(a50)/1e6, float64(i50)/1e6, float64(a99)/1e6, float64(i99)/1e6)
	if i50 <= a50 || i99 <= a99 {
		t.Errorf("inline-projection's round trips (median %d, p99 %d ns) are not longer than stale-read's (%d, %d)", i50, i99, a50, a99)
	}
}
