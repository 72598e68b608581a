package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
)

// TestRank: the nearest-rank quantile of 1..100 ms is the p*100-th value.
func TestRank(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := rank(ds, c.p); got != c.want {
			t.Errorf("rank(1..100ms, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := rank([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("rank of one value: %v", got)
	}
}

// TestConsistencyWindows: a read model that applies e1 40ms after it
// committed answers one query before (behind 30ms) and one after (caught
// up, 0); the write side's strong read has no window.
func TestConsistencyWindows(t *testing.T) {
	ms := int64(time.Millisecond)
	h := history.FromEntries([]history.Entry{
		{At: 0, Kind: history.StoreAppend, Node: "event-store", Event: "e1", Key: "a", Type: "Deposited", Version: 1, Position: 1},
		{At: 30 * ms, Kind: history.QueryReturn, Node: "q-0", Group: "rm", Key: "a", Outcome: history.OutcomeOK},
		{At: 31 * ms, Kind: history.QueryReturn, Node: "w-0", Key: "a", Outcome: history.OutcomeOK},
		{At: 40 * ms, Kind: history.ProjectionApply, Node: "rm", Group: "rm", Event: "e1", Key: "a", Type: "Deposited", Version: 1, Position: 1},
		{At: 40 * ms, Kind: history.Checkpoint, Node: "rm", Group: "rm", Position: 1},
		{At: 50 * ms, Kind: history.QueryReturn, Node: "q-0", Group: "rm", Key: "a", Outcome: history.OutcomeOK},
	})
	ws := ConsistencyWindows(h)
	if len(ws) != 1 {
		t.Fatalf("want one window, got %+v", ws)
	}
	w := ws[0]
	if w.ReadModel != "rm" || w.Queries != 2 || w.Behind != 1 || w.Median != 0 || w.P99 != 30*time.Millisecond || w.Worst != 30*time.Millisecond {
		t.Errorf("window %+v: want rm, 2 queries, 1 behind, median 0, p99 and worst 30ms", w)
	}
	if s := w.Sentence(); !strings.Contains(s, "0s at the median, 30ms at the 99th percentile and 30ms at worst") {
		t.Errorf("sentence %q", s)
	}
	if ws := ConsistencyWindows(&history.History{}); len(ws) != 0 {
		t.Errorf("empty history: %+v", ws)
	}
}
