package checks

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/evsim/evsim/model/history"
)

// ConsistencyWindow is the eventual-consistency window the queries of one
// read model saw: over its answered queries, how far behind the log the
// read model was when it answered ([StalenessSample.TimeBehind]: how long
// ago the oldest committed event it had not applied committed).
type ConsistencyWindow struct {
	ReadModel string
	// Queries is the number of answered queries; Behind how many of them
	// found the read model behind at all.
	Queries, Behind int
	// Median, P99 and Worst are the time behind at the median, at the 99th
	// percentile (nearest rank) and at worst.
	Median, P99, Worst time.Duration
}

// ConsistencyWindows measures the window of each read model that answered
// at least one query, by read model name; none when no query of a read
// model returned (strong reads of the write side have no window).
func ConsistencyWindows(h *history.History) []ConsistencyWindow {
	by := map[string][]time.Duration{}
	for _, q := range QueryStaleness(h).Queries {
		if q.Group != "" {
			by[q.Group] = append(by[q.Group], q.TimeBehind)
		}
	}
	var out []ConsistencyWindow
	for g, ds := range by {
		slices.Sort(ds)
		w := ConsistencyWindow{ReadModel: g, Queries: len(ds), Median: rank(ds, 0.5), P99: rank(ds, 0.99), Worst: ds[len(ds)-1]}
		for _, d := range ds {
			if d > 0 {
				w.Behind++
			}
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ReadModel < out[j].ReadModel })
	return out
}

// rank is the nearest-rank p-quantile of the sorted, non-empty ds: the
// smallest value with at least a fraction p of the values at or below it.
func rank(ds []time.Duration, p float64) time.Duration {
	i := int(float64(len(ds))*p+0.999999999) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// Sentence says the window in words, as the memo of a CQRS design would.
func (w ConsistencyWindow) Sentence() string {
	return fmt.Sprintf("Consistency window of read model %s: its %d answered queries saw it behind the write side by %v at the median, %v at the 99th percentile and %v at worst (%d of them found it behind at all).",
		w.ReadModel, w.Queries, roundMs(w.Median), roundMs(w.P99), roundMs(w.Worst), w.Behind)
}

// roundMs rounds d to a tenth of a millisecond for reading.
func roundMs(d time.Duration) time.Duration {
	return d.Round(100 * time.Microsecond)
}
