package history

import (
	"fmt"
	"slices"
	"testing"
)

// countByScan counts the records of kinds ks by reading each, as Count
// did before it kept counts.
func countByScan(h *History, ks ...Kind) int {
	n := 0
	for _, e := range h.All() {
		for _, k := range ks {
			if e.Kind == k {
				n++
				break
			}
		}
	}
	return n
}

// scanIndexes returns the indexes of the records of kinds ks, read one
// by one.
func scanIndexes(h *History, ks ...Kind) []int {
	var out []int
	for i := range h.Len() {
		if slices.Contains(ks, h.Record(i).Kind()) {
			out = append(out, i)
		}
	}
	return out
}

// compactIndexes returns the indexes Compact yields for kinds ks.
func compactIndexes(h *History, ks ...Kind) []int {
	var out []int
	for i := range h.Compact(ks...) {
		out = append(out, i)
	}
	return out
}

// TestCountFollowsRecords checks Count against a scan of the records
// through appends (Add, PutStamped, a spilling history's chunk boundary),
// Set changing a record's kind, SetEntries and Reset, for single kinds,
// sets of kinds, an unknown kind and none; and Compact, which ends at the
// last record of its kinds by their count, against the same scan.
func TestCountFollowsRecords(t *testing.T) {
	queries := [][]Kind{{Effect}, {Publish}, {Effect, Publish, Append}, {Subscribe}, {Subscribe, Effect}, {Kind("no-such-kind")}, nil}
	check := func(what string, h *History) {
		t.Helper()
		for _, ks := range queries {
			if got, want := h.Count(ks...), countByScan(h, ks...); got != want {
				t.Fatalf("%s: Count(%v) = %d, scan %d", what, ks, got, want)
			}
			if got, want := compactIndexes(h, ks...), scanIndexes(h, ks...); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: Compact(%v) yields %v, scan %v", what, ks, got, want)
			}
		}
	}
	h := &History{}
	h.SpillOver(1, t.TempDir()) // every full chunk spills
	defer h.Close()
	name := NewName("node")
	for i := range chunkLen + 100 {
		switch i % 3 {
		case 0:
			h.Add(Entry{Kind: Effect, Group: "g", Event: "e"})
		case 1:
			putStamped(h, Publish.Code(), &name, "e")
		case 2:
			h.Add(Entry{Kind: Append, Topic: "t", Offset: int64(i)})
		}
	}
	check("appended", h)
	h.Set(0, Entry{Kind: Publish, Node: "node"})
	h.Set(chunkLen+1, Entry{Kind: Effect, Group: "g"})
	h.Set(2, Entry{Kind: Append, Topic: "t"})                // the same kind again
	h.Set(5, Entry{Kind: Subscribe, Group: "g", Topic: "t"}) // the only one, early
	check("set", h)
	es := h.Entries()[:50]
	h.SetEntries(es)
	check("set entries", h)
	h.Reset()
	h.Reset()
	check("reset", h)
	h.Add(Entry{Kind: Effect, Group: "g"})
	check("after reset", h)
}
