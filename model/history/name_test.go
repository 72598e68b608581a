package history

import "testing"

// TestNameAfterReset: a Name's symbol from before a Reset is not used
// after it, though the table then numbers other strings where the name
// was.
func TestNameAfterReset(t *testing.T) {
	h := &History{}
	node := NewName("node-a")
	putStamped(h, Deliver.Code(), &node, "")
	h.Reset()
	h.Add(Entry{Kind: Deliver, Node: "other"}) // takes node-a's old symbol
	putStamped(h, Deliver.Code(), &node, "")
	if got := h.At(1).Node; got != "node-a" {
		t.Fatalf("node %q after a Reset, want node-a", got)
	}
	h.Close()
	h.Add(Entry{Kind: Deliver, Node: "third"})
	putStamped(h, Deliver.Code(), &node, "")
	if got := h.At(1).Node; got != "node-a" {
		t.Fatalf("node %q after a Close, want node-a", got)
	}
}
