package history

import "testing"

// TestSideOf: CommandOf, PayloadOf, TxnIDOf and InputOf read a record's
// command, payload, transaction and input symbols from its side row (0
// for a record without one), and every symbol of the history's records
// is below Symbols.
func TestSideOf(t *testing.T) {
	h := &History{}
	if h.Symbols() != 1 {
		t.Fatalf("empty history: %d symbols, want 1 (the empty string)", h.Symbols())
	}
	h.Add(Entry{At: 1, Kind: Command, Node: "teller-0", Command: "teller-0-c1", Key: "acct-1", Type: "Deposit", Payload: "p"})
	h.Add(Entry{At: 2, Kind: Publish, Node: "producer", Topic: "t", Event: "e1"})
	h.Add(Entry{At: 3, Kind: CommandReturn, Node: "teller-0", Command: "teller-0-c1", Key: "acct-1", Outcome: OutcomeOK})
	h.Add(Entry{At: 4, Kind: Append, Node: "broker", Topic: "t", Event: "e2", TxnID: "loop-0", ProducerID: 3})
	h.Add(Entry{At: 5, Kind: Append, Node: "broker", Topic: "out", Event: "e3", Group: "g", Input: "e2", TxnID: "loop-0"})
	want := []struct{ cmd, payload, txn, input string }{{"teller-0-c1", "p", "", ""}, {"", "", "", ""}, {"teller-0-c1", "", "", ""},
		{"", "", "loop-0", ""}, {"", "", "loop-0", "e2"}}
	for i, w := range want {
		r := h.Record(i)
		if got := h.Str(h.CommandOf(&r)); got != w.cmd {
			t.Errorf("record %d: command %q, want %q", i, got, w.cmd)
		}
		if got := h.Str(h.PayloadOf(&r)); got != w.payload {
			t.Errorf("record %d: payload %q, want %q", i, got, w.payload)
		}
		if got := h.Str(h.TxnIDOf(&r)); got != w.txn {
			t.Errorf("record %d: transaction %q, want %q", i, got, w.txn)
		}
		if got := h.Str(h.InputOf(&r)); got != w.input {
			t.Errorf("record %d: input %q, want %q", i, got, w.input)
		}
		for _, y := range []Sym{r.Node, r.Group, r.Topic, r.Event, r.Key, r.Type, h.CommandOf(&r), h.PayloadOf(&r), h.TxnIDOf(&r), h.InputOf(&r)} {
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

// TestInPlaceSideFields: ProducerIDOf reads a record's producer id in
// place (a producer's record with no side row), from its side row (a
// producer's record with a payload, a transaction marker), and is 0 for a
// record without one, whose Version it must not be taken from; BasisOf
// likewise reads a store append's basis in place or from its side row,
// and is 0 for a record without one, whose Offset it must not be taken
// from.
func TestInPlaceSideFields(t *testing.T) {
	for _, c := range []struct {
		name    string
		es      []Entry
		inPlace uint8 // the flag the first entry's record must carry
		read    func(*History, *Record) int64
		want    func(Entry) int64
	}{
		{"ProducerIDOf", []Entry{
			{At: 1, Kind: Append, Topic: "t", Event: "e1", ProducerID: 7, Seq: 2, Epoch: 1},
			{At: 2, Kind: Append, Topic: "t", Event: "e2", ProducerID: 8, Payload: "p"},
			{At: 3, Kind: TxnCommit, Topic: "t", ProducerID: 9, Offset: 4},
			{At: 4, Kind: Append, Topic: "t", Event: "e3", Version: 5},
			{At: 5, Kind: StoreAppend, Key: "acct-1", Version: 6, Expected: "any"},
		}, flagProducer, (*History).ProducerIDOf, func(e Entry) int64 { return e.ProducerID }},
		{"BasisOf", []Entry{
			{At: 1, Kind: StoreAppend, Key: "acct-1", Version: 3, Basis: 2, Expected: "2", Command: "c-1"},
			{At: 2, Kind: StoreAppend, Key: "acct-1", Version: 4, Basis: 3, Payload: "p"},
			{At: 3, Kind: Append, Topic: "t", Offset: 9},
			{At: 4, Kind: Load, Key: "acct-1", Version: 4, Basis: 2, State: "s"},
		}, flagStore, (*History).BasisOf, func(e Entry) int64 { return e.Basis }},
	} {
		h := FromEntries(c.es)
		if r := h.Record(0); r.flags&c.inPlace == 0 {
			t.Fatalf("%s: the first record keeps its fields in a side row, not in place", c.name)
		}
		for i, e := range c.es {
			r := h.Record(i)
			if got := c.read(h, &r); got != c.want(e) {
				t.Errorf("%s: record %d (%s) = %d, want %d", c.name, i, e.Kind, got, c.want(e))
			}
		}
	}
}

// TestStateOf: StateOf reads a store append's State in place (an append
// with no side row), from its side row (an append with a payload, a
// load), and is 0 for a record without one, whose Count it must not be
// taken from.
func TestStateOf(t *testing.T) {
	es := []Entry{
		{At: 1, Kind: StoreAppend, Key: "acct-1", Version: 1, Basis: 0, Expected: "0", State: "balance=5", Command: "c-1"},
		{At: 2, Kind: StoreAppend, Key: "acct-1", Version: 2, Basis: 1, State: "balance=7", Payload: "p"},
		{At: 3, Kind: Load, Key: "acct-1", Version: 2, State: "balance=7"},
		{At: 4, Kind: StoreAppend, Key: "acct-1", Version: 3, Basis: 2},
		{At: 5, Kind: Poll, Group: "g", Topic: "t", Count: 3},
	}
	h := FromEntries(es)
	if r := h.Record(0); r.flags&flagStore == 0 {
		t.Fatalf("the first append keeps its state in a side row, not in place")
	}
	for i, e := range es {
		r := h.Record(i)
		if got := h.Str(h.StateOf(&r)); got != e.State {
			t.Errorf("record %d (%s): state %q, want %q", i, e.Kind, got, e.State)
		}
	}
}

// TestRecordFlags: a record's Stateful and Drained read back as added.
func TestRecordFlags(t *testing.T) {
	h := FromEntries([]Entry{{Kind: Subscribe, Stateful: true}, {Kind: End, Drained: true}, {Kind: End}})
	for i, want := range [][2]bool{{true, false}, {false, true}, {false, false}} {
		if r := h.Record(i); r.Stateful() != want[0] || r.Drained() != want[1] {
			t.Errorf("record %d: Stateful %v, Drained %v, want %v", i, r.Stateful(), r.Drained(), want)
		}
	}
}
