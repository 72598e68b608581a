package history

import "testing"

// TestSideOf: CommandOf and PayloadOf read a record's command and payload
// symbols from its side row (0 for a record without one), and every
// symbol of the history's records is below Symbols.
func TestSideOf(t *testing.T) {
	h := &History{}
	if h.Symbols() != 1 {
		t.Fatalf("empty history: %d symbols, want 1 (the empty string)", h.Symbols())
	}
	h.Add(Entry{At: 1, Kind: Command, Node: "teller-0", Command: "teller-0-c1", Key: "acct-1", Type: "Deposit", Payload: "p"})
	h.Add(Entry{At: 2, Kind: Publish, Node: "producer", Topic: "t", Event: "e1"})
	h.Add(Entry{At: 3, Kind: CommandReturn, Node: "teller-0", Command: "teller-0-c1", Key: "acct-1", Outcome: OutcomeOK})
	want := []struct{ cmd, payload string }{{"teller-0-c1", "p"}, {"", ""}, {"teller-0-c1", ""}}
	for i, w := range want {
		r := h.Record(i)
		if got := h.Str(h.CommandOf(&r)); got != w.cmd {
			t.Errorf("record %d: command %q, want %q", i, got, w.cmd)
		}
		if got := h.Str(h.PayloadOf(&r)); got != w.payload {
			t.Errorf("record %d: payload %q, want %q", i, got, w.payload)
		}
		for _, y := range []Sym{r.Node, r.Group, r.Topic, r.Event, r.Key, r.Type, h.CommandOf(&r), h.PayloadOf(&r)} {
			if int(y) >= h.Symbols() {
				t.Errorf("record %d: symbol %d not below Symbols() = %d", i, y, h.Symbols())
			}
		}
	}
	r0, r2 := h.Record(0), h.Record(2)
	if h.CommandOf(&r0) != h.CommandOf(&r2) {
		t.Errorf("the invocation and the return of one command have different command symbols")
	}
}
