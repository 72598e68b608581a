package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// no-overdraft states the cause of a value below zero only as far as the
// history shows it: a stale basis when the command decided on a version
// the stream had passed, a decision on the current state when it decided
// on the stream's version, and no cause when the basis is unknown. It
// never claims a stale state it did not see.
func TestNoOverdraftStatesOnlyTheCauseTheHistoryShows(t *testing.T) {
	hist := func(basis int64) *history.History {
		return history.FromEntries([]history.Entry{
			{At: 1, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e1", Type: "Opened", Version: 1, Command: "c1"},
			{At: 2, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e2", Type: "Deposited", Amount: 3, Version: 2, Command: "c2", Basis: 1},
			{At: 3, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e3", Type: "Withdrawn", Amount: 5, Version: 3, Command: "c3", Basis: basis},
		})
	}
	for _, c := range []struct {
		name  string
		basis int64
		want  string
	}{
		{"current", 2, "decided on version 2, the stream's version when its events landed: the state it decided on was current"},
		{"stale", 1, "decided on version 1 of the stream, but the stream was at version 2 when its events landed: it decided on a state that was no longer current"},
		{"unknown", history.BasisUnknown, "does not say which version command c3 decided on, so the cause is not known from it"},
	} {
		r := NoOverdraft(hist(c.basis))
		if r.Verdict != Violated {
			t.Fatalf("%s: %s: %s", c.name, r.Verdict, r.Explanation)
		}
		if !strings.Contains(r.Explanation, c.want) {
			t.Errorf("%s: explanation %q\nwant it to say %q", c.name, r.Explanation, c.want)
		}
		if c.name != "stale" && strings.Contains(r.Explanation, "no longer current") {
			t.Errorf("%s: explanation claims a stale state the history does not show: %s", c.name, r.Explanation)
		}
	}
}

// A command's batch is judged from the stream's version before the
// batch: its second event going below zero is no sign of a stale basis.
func TestNoOverdraftJudgesTheBasisOfABatchFromItsFirstEvent(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{At: 1, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e1", Type: "Opened", Version: 1, Command: "c1"},
		{At: 2, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e2", Type: "Deposited", Amount: 3, Version: 2, Command: "c2", Basis: 1},
		{At: 3, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e3", Type: "Withdrawn", Amount: 2, Version: 3, Command: "c3", Basis: 2},
		{At: 3, Kind: history.StoreAppend, Node: "event-store", Key: "a", Event: "a/e4", Type: "Withdrawn", Amount: 3, Version: 4, Command: "c3", Basis: 2},
	})
	r := NoOverdraft(h)
	if r.Verdict != Violated || !strings.Contains(r.Explanation, "decided on version 2, the stream's version when its events landed") {
		t.Fatalf("%s: %s", r.Verdict, r.Explanation)
	}
}
