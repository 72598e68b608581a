package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestTruncatedAppendsAreNotInTheLog: an append that a leader change cut
// off (a later truncate record of its broker) was never committed: its
// offset may hold another event and its event may be appended again.
// Without the truncation, the same records are an inconsistent offset and
// a log duplicate.
func TestTruncatedAppendsAreNotInTheLog(t *testing.T) {
	app := func(at int64, node, ev string, off int64) history.Entry {
		return history.Entry{At: at, Kind: history.Append, Node: node, Topic: "t", Event: ev, Offset: off}
	}
	pub := func(at int64, ev string) history.Entry {
		return history.Entry{At: at, Kind: history.Publish, Node: "p", Topic: "t", Event: ev}
	}
	cut := history.Entry{At: 4, Kind: history.Truncate, Node: "broker-1", Topic: "t", Offset: 1, Count: 1}
	recs := []history.Entry{pub(1, "e0"), pub(1, "e1"), app(2, "broker-1", "e0", 0), app(3, "broker-1", "e1", 1),
		cut, app(5, "broker-2", "e2", 1), app(6, "broker-2", "e1", 2)}
	with := history.FromEntries(recs)
	without := history.FromEntries(append(append([]history.Entry{}, recs[:4]...), recs[5:]...))
	for _, c := range []func(*history.History) Result{InconsistentOffsets, LogDuplicates} {
		if r := c(with); r.Verdict != Holds {
			t.Errorf("%s with the truncation: %s: %s", r.Check, r.Verdict, r.Explanation)
		}
		if r := c(without); r.Verdict != Violated {
			t.Errorf("%s without the truncation: %s: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}
