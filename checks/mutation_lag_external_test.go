package checks_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// TestLagWithinSLOCatchesLateEffect plants, in the history of
// hot-partition-key-parallel (where lag-within-slo holds), one late
// effect: the ledger's effect of an event in the middle of the run is
// moved to 300ms after the event's append, past the 250ms SLO.
// lag-within-slo flips to violated and names that event.
func TestLagWithinSLOCatchesLateEffect(t *testing.T) {
	h := twinHistory(t, "hot-partition-key-parallel")
	if r := checks.LagWithinSLO(h); r.Verdict != checks.Holds {
		t.Fatalf("lag-within-slo on the fixed twin: %s: %s", r.Verdict, r.Explanation)
	}
	es := h.Entries()
	mid := int64(1500 * time.Millisecond)
	a := slices.IndexFunc(es, func(r history.Entry) bool { return r.Kind == history.Append && r.At >= mid })
	if a < 0 {
		t.Fatal("no append after 1.5s")
	}
	event := es[a].Event
	e := slices.IndexFunc(es, func(r history.Entry) bool { return r.Kind == history.Effect && r.Event == event })
	if e < 0 {
		t.Fatalf("no effect of %s", event)
	}
	late := es[e]
	late.At = es[a].At + int64(300*time.Millisecond)
	es = slices.Delete(es, e, e+1)
	to, _ := slices.BinarySearchFunc(es, late.At, func(r history.Entry, at int64) int {
		if r.At <= at {
			return -1
		}
		return 1
	})
	es = slices.Insert(es, to, late)
	m := history.FromEntries(es)
	if err := m.Validate(); err != nil {
		t.Fatalf("the mutant is not a valid history: %v", err)
	}
	r := checks.LagWithinSLO(m)
	if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, "The worst, "+event+" ") || len(r.Witness) != 3 {
		t.Fatalf("lag-within-slo on the mutant: %s: %s (witness %v)", r.Verdict, r.Explanation, r.Witness)
	}
}

// TestLagWithinSLONamesHotPartition: on hot-partition, lag-within-slo is
// violated, names partition 3 (acct-0's) as the one holding the late
// events, and counts the four members that held no partition.
func TestLagWithinSLONamesHotPartition(t *testing.T) {
	r := checks.LagWithinSLO(twinHistory(t, "hot-partition"))
	for _, want := range []string{"were in partition 3", "of key acct-0", "4 of the group's 8 members held no partition"} {
		if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, want) {
			t.Fatalf("hot-partition: %s: %s; want %q", r.Verdict, r.Explanation, want)
		}
	}
}
