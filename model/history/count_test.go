package history

import "testing"

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

// TestCountFollowsRecords checks Count against a scan of the records
// through appends (Add, PutNamed, a spilling history's chunk boundary),
// Set changing a record's kind, SetEntries and Reset, for single kinds,
// sets of kinds, an unknown kind and none.
func TestCountFollowsRecords(t *testing.T) {
	queries := [][]Kind{{Effect}, {Publish}, {Effect, Publish, Append}, {Kind("no-such-kind")}, nil}
	check := func(what string, h *History) {
		t.Helper()
		for _, ks := range queries {
			if got, want := h.Count(ks...), countByScan(h, ks...); got != want {
				t.Fatalf("%s: Count(%v) = %d, scan %d", what, ks, got, want)
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
			h.PutNamed(&NamedStep{Kind: Publish.Code(), Node: &name, Event: "e"}, 0, 0)
		case 2:
			h.Add(Entry{Kind: Append, Topic: "t", Offset: int64(i)})
		}
	}
	check("appended", h)
	h.Set(0, Entry{Kind: Publish, Node: "node"})
	h.Set(chunkLen+1, Entry{Kind: Effect, Group: "g"})
	h.Set(2, Entry{Kind: Append, Topic: "t"}) // the same kind again
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
