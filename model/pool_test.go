package model

import "testing"

// TestAppendPoolRefs checks that an append message goes back to its free
// list only when its last holder lets go, emptied but with the memory of
// its events, and that a message that was never pooled never goes in.
func TestAppendPoolRefs(t *testing.T) {
	var p appendPool
	m := p.get()
	m.key, m.events = "acct-0", append(m.events, StoredEvent{ID: "c1/e1"}, StoredEvent{ID: "c1/e2"})
	p.hold(m) // sent once
	p.hold(m) // sent again after a timeout
	p.release(m)
	p.release(m)
	if len(p.free) != 0 {
		t.Fatal("an append went back to the pool while the session still held it")
	}
	p.release(m) // the session lets go
	if len(p.free) != 1 || p.free[0] != m {
		t.Fatalf("the last holder let go, and the pool has %d message(s)", len(p.free))
	}
	if m.key != "" || len(m.events) != 0 || cap(m.events) < 2 || m.refs != 0 {
		t.Fatalf("a pooled append is not emptied with its memory kept: %+v (cap %d)", *m, cap(m.events))
	}
	if n := p.get(); n != m || n.refs != 1 {
		t.Fatalf("get did not reuse the pooled append held once: refs %d", n.refs)
	}
	var q appendPool
	q.release(&appendMsg{key: "made by hand"})
	if len(q.free) != 0 {
		t.Fatal("an append that was never pooled went into the pool")
	}
}

// TestPoolResetKeepsMemory checks that a pooled message with a reset
// method comes back empty with the memory of its slices, and that one
// without comes back zeroed.
func TestPoolResetKeepsMemory(t *testing.T) {
	var p pool[readAllReply]
	r := p.get()
	r.events = append(r.events, StoredEvent{ID: "e1"}, StoredEvent{ID: "e2"})
	r.inFlight, r.head = append(r.inFlight, 7), 9
	p.put(r)
	if g := p.get(); g != r || len(g.events) != 0 || cap(g.events) < 2 || len(g.inFlight) != 0 || cap(g.inFlight) < 1 || g.head != 0 {
		t.Fatalf("a reused answer is not empty with its memory kept: %+v", *g)
	}
	if r.events[:2][0].ID != "" {
		t.Fatal("a reused answer still holds the events it had")
	}
	var q pool[queryReply]
	a := q.get()
	a.value, a.outcome = 5, "ok"
	q.put(a)
	if g := q.get(); *g != (queryReply{}) {
		t.Fatalf("a reused query answer is not zeroed: %+v", *g)
	}
}
