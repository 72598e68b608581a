package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// A read-model read that reports a value but no version (or a version
// below 0, which is none) cannot be compared with a prefix of its stream:
// projection-equals-fold counts it and says so, Unknown when nothing else
// is judged, and counts no such read among the judged ones.
func TestProjectionEqualsFoldCountsReadsWithAValueButNoVersion(t *testing.T) {
	appends := []history.Entry{
		{At: 1, Kind: history.StoreAppend, Node: "store", Key: "a", Event: "e1", Type: "Opened", Version: 1, Position: 1, Command: "c1"},
		{At: 2, Kind: history.StoreAppend, Node: "store", Key: "a", Event: "e2", Type: "Deposited", Amount: 5, Version: 2, Position: 2, Command: "c2"},
	}
	read := func(at, value, version int64) history.Entry {
		return history.Entry{At: at, Kind: history.QueryReturn, Node: "s", Group: "balances", Key: "a", Mode: history.ModeEventual,
			Value: value, Version: version, Outcome: history.OutcomeOK}
	}
	r := ProjectionEqualsFold(history.FromEntries(append(appends, read(3, 5, 0), read(4, 7, -1))))
	if r.Verdict != Unknown || !strings.Contains(r.Explanation, "2 read(s) report a value but no version") {
		t.Fatalf("only unversioned reads: %s: %s", r.Verdict, r.Explanation)
	}
	r = ProjectionEqualsFold(history.FromEntries(append(appends, read(3, 5, 0), read(4, 5, 2))))
	if r.Verdict != Holds || !strings.Contains(r.Explanation, "each of the 1 read(s)") ||
		!strings.Contains(r.Explanation, "1 read(s) report a value but no version") {
		t.Fatalf("one versioned read: %s: %s", r.Verdict, r.Explanation)
	}
}
