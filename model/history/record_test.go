package history

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"pgregory.net/rapid"
)

func TestRecordIsCompact(t *testing.T) {
	if n := unsafe.Sizeof(Record{}); n > 96 {
		t.Fatalf("a Record takes %d bytes, want at most 96", n)
	}
}

// entryGen draws an entry of any kind with any subset of its fields set,
// so that every field is packed inline, in a side row, or both.
func entryGen() *rapid.Generator[Entry] {
	str := rapid.SampledFrom([]string{"", "", "a", "node-1", "acct-7", "Deposited", "ééé", "x y"})
	num := rapid.SampledFrom([]int64{0, 0, 1, -1, 42, 1 << 40, -(1 << 50)})
	small := rapid.IntRange(-3, 1<<20)
	return rapid.Custom(func(t *rapid.T) Entry {
		e := Entry{
			At: rapid.Int64Range(0, 1<<40).Draw(t, "at"), Kind: rapid.SampledFrom(kinds).Draw(t, "kind"),
			Node: str.Draw(t, "node"), Group: str.Draw(t, "group"), Topic: str.Draw(t, "topic"),
			Partition: small.Draw(t, "partition"), Offset: num.Draw(t, "offset"), Event: str.Draw(t, "event"),
			Key: str.Draw(t, "key"), Type: str.Draw(t, "type"), Amount: num.Draw(t, "amount"),
			Attempt: small.Draw(t, "attempt"), Drained: rapid.Bool().Draw(t, "drained"),
			Version: num.Draw(t, "version"), Position: num.Draw(t, "position"), Value: num.Draw(t, "value"),
			Outcome:    rapid.SampledFrom(append([]Outcome{""}, outcomes...)).Draw(t, "outcome"),
			Mode:       rapid.SampledFrom(append([]Mode{""}, modes...)).Draw(t, "mode"),
			Style:      rapid.SampledFrom(append([]Style{""}, styles...)).Draw(t, "style"),
			Generation: small.Draw(t, "generation"), Count: small.Draw(t, "count"),
			Stateful: rapid.Bool().Draw(t, "stateful"), Inferred: rapid.Bool().Draw(t, "inferred"),
			Switched: rapid.Bool().Draw(t, "switched"), PowerLoss: rapid.Bool().Draw(t, "power-loss"),
		}
		if rapid.Bool().Draw(t, "rare") {
			e.Basis, e.Token, e.SLO, e.Until = num.Draw(t, "basis"), num.Draw(t, "token"), num.Draw(t, "slo"), num.Draw(t, "until")
			e.ProducerID, e.Seq, e.Epoch, e.Logic = num.Draw(t, "pid"), num.Draw(t, "seq"), small.Draw(t, "epoch"), small.Draw(t, "logic")
			e.Payload, e.Command, e.Expected, e.Reason = str.Draw(t, "payload"), str.Draw(t, "command"), str.Draw(t, "expected"), str.Draw(t, "reason")
			e.CrashPoint, e.Service, e.State, e.Replay = CrashPoint(str.Draw(t, "crash")), str.Draw(t, "service"), str.Draw(t, "state"), str.Draw(t, "replay")
			e.From, e.To, e.Partitions = str.Draw(t, "from"), str.Draw(t, "to"), str.Draw(t, "partitions")
			e.GapPolicy, e.Rebuild = GapPolicy(str.Draw(t, "gap")), RebuildMode(str.Draw(t, "rebuild"))
			e.ErrorKind, e.LeaveReason, e.Election = ErrorKind(str.Draw(t, "error")), LeaveReason(str.Draw(t, "leave")), Election(str.Draw(t, "election"))
			e.TxnID, e.Input = str.Draw(t, "txn"), str.Draw(t, "input")
			e.Member = str.Draw(t, "member")
		} else if rapid.Bool().Draw(t, "producer") {
			// only a producer's fields: kept in place on a producer's
			// record whose Version, Position and Value are 0
			e.ProducerID, e.Seq, e.Epoch = num.Draw(t, "pid"), num.Draw(t, "seq"), small.Draw(t, "epoch")
		} else if rapid.Bool().Draw(t, "command") {
			// a command's id, alone or with a reason: kept in place on a
			// command's or query's record whose Topic is empty
			if rapid.Bool().Draw(t, "command-kind") {
				e.Kind = rapid.SampledFrom([]Kind{Command, CommandReturn, Query, QueryReturn, StoreAppend,
					StoreReserve, StoreRollback, StoreDuplicate, LostAnswer}).Draw(t, "kind-of-command")
			}
			e.Command, e.Reason = str.Draw(t, "command"), str.Draw(t, "reason")
		} else if rapid.Bool().Draw(t, "store") {
			// a store append's side fields: kept in place on a store
			// append whose Offset, Group and Count are empty
			if rapid.Bool().Draw(t, "store-kind") {
				e.Kind = StoreAppend
				if rapid.Bool().Draw(t, "store-fields-free") {
					e.Offset, e.Group, e.Count = 0, "", 0
				}
			}
			e.Basis, e.Expected, e.State = num.Draw(t, "basis"), str.Draw(t, "expected"), str.Draw(t, "state")
			e.Command = str.Draw(t, "command")
		}
		return e
	})
}

// TestEntriesSurviveTheCompactForm: every entry reads back from its record
// as it was added, after Set too, over histories that span chunks.
func TestEntriesSurviveTheCompactForm(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		es := rapid.SliceOfN(entryGen(), 1, 50).Draw(t, "entries")
		reps := rapid.IntRange(1, 2*chunkLen/len(es)+2).Draw(t, "repeats")
		h := &History{}
		var want []Entry
		for range reps {
			for _, e := range es {
				h.Add(e)
				want = append(want, e)
			}
		}
		if h.Len() != len(want) {
			t.Fatalf("len %d, want %d", h.Len(), len(want))
		}
		for i, e := range h.All() {
			if e != want[i] {
				t.Fatalf("record %d reads back as\n%+v\nwant\n%+v", i, e, want[i])
			}
		}
		i := rapid.IntRange(0, h.Len()-1).Draw(t, "set")
		e := entryGen().Draw(t, "replacement")
		h.Set(i, e)
		if got := h.At(i); got != e {
			t.Fatalf("Set: record %d reads back as %+v, want %+v", i, got, e)
		}
	})
}

// TestChunksNeverMove: a history grows by chunks; records already added
// stay where they are (nothing is copied as it grows).
func TestChunksNeverMove(t *testing.T) {
	h := &History{}
	h.Add(Entry{Kind: Restart, Node: "n"})
	first := &h.recs[0][0]
	for i := range 3 * chunkLen {
		h.Add(Entry{At: int64(i), Kind: Deliver, Node: "n", Event: "e"})
	}
	if &h.recs[0][0] != first {
		t.Fatal("the first chunk moved as the history grew")
	}
	if len(h.recs) != 4 || h.Cap() != 4*chunkLen {
		t.Fatalf("%d chunks for %d records, want 4", len(h.recs), h.Len())
	}
	if h.syms.n != 4 { // "", "n", "e" and nothing else
		t.Logf("symbols: %q", h.syms.strs[0][:h.syms.n])
	}
}

// TestV11RoundTrip: a history written as version 1.1 reads back the same
// (its point field split by kind), and writes the same bytes again.
func TestV11RoundTrip(t *testing.T) {
	h := FromEntries([]Entry{
		{At: 1, Kind: Crash, Node: "c-0", CrashPoint: "after-effect"},
		{At: 2, Kind: CommandReturn, Node: "s", Outcome: OutcomeRejected, Reason: "insufficient-funds"},
		{At: 3, Kind: ProjectionSkip, Node: "p", GapPolicy: "skip-after"},
		{At: 4, Kind: ProjectionReset, Node: "p", Rebuild: RebuildBlueGreen},
		{At: 5, Kind: Checkpoint, Node: "p", Switched: true, Position: 9},
		{At: 6, Kind: HandlerError, Node: "c-0", ErrorKind: ErrorPoison},
		{At: 7, Kind: Leave, Node: "c-0", LeaveReason: LeavePollTimeout},
		{At: 8, Kind: PartitionChange, Node: "broker-2", Election: ElectionUnclean},
		{At: 9, Kind: Truncate, Node: "broker-1", PowerLoss: true},
		{At: 10, Kind: PublishFail, Node: "p", Reason: "NOT_LEADER_OR_FOLLOWER"},
	})
	var v11 bytes.Buffer
	if err := h.WriteJSONLAs(&v11, SchemaV11); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(v11.Bytes(), []byte("crash_point")) || !bytes.Contains(v11.Bytes(), []byte(`"point":"after-effect"`)) {
		t.Fatalf("version 1.1 form:\n%s", v11.String())
	}
	got, err := ReadJSONL("h.jsonl", bytes.NewReader(v11.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range h.All() {
		if got.At(i) != e {
			t.Errorf("record %d reads back as %+v, want %+v", i, got.At(i), e)
		}
	}
	var again bytes.Buffer
	if err := got.WriteJSONLAs(&again, SchemaV11); err != nil || !bytes.Equal(again.Bytes(), v11.Bytes()) {
		t.Fatalf("rewritten version 1.1 differs (%v)", err)
	}
}

// TestReadRejectsValuesOutsideTheirSets: an unknown outcome, mode or style
// in a file is an error naming the line and the values allowed.
func TestReadRejectsValuesOutsideTheirSets(t *testing.T) {
	for _, line := range []string{`{"at":1,"kind":"command-return","outcome":"maybe"}`, `{"at":1,"kind":"query","mode":"psychic"}`,
		`{"at":1,"kind":"subscribe","style":"fanfare"}`, `{"at":1,"kind":"deliver","attempt":99999999999}`} {
		_, err := ReadJSONL("bad.jsonl", bytes.NewBufferString(`{"schema":"`+Schema+`"}`+"\n"+line+"\n"))
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("bad.jsonl:2: ")) {
			t.Errorf("%s: got %v, want an error on line 2", line, err)
		}
	}
}

// TestOfKindIsAllFiltered checks that OfKind yields exactly the records
// of All whose kind is listed, with their indexes, across chunks, and
// that Count counts them.
func TestOfKindIsAllFiltered(t *testing.T) {
	h := &History{}
	kinds := []Kind{Publish, Append, Deliver, Effect, OffsetCommit}
	for i := range 3*chunkLen + 17 {
		h.Add(Entry{At: int64(i), Kind: kinds[i*7%len(kinds)], Node: "n", Event: "e" + string(rune('a'+i%26))})
	}
	for _, want := range [][]Kind{{Effect}, {Deliver, OffsetCommit}, {}, {Kind("nonsense")}, kinds} {
		var got, all []int
		for i, e := range h.OfKind(want...) {
			if e != h.At(i) {
				t.Fatalf("OfKind(%v) gave %v at %d, want %v", want, e, i, h.At(i))
			}
			got = append(got, i)
		}
		for i, e := range h.All() {
			if slices.Contains(want, e.Kind) {
				all = append(all, i)
			}
		}
		if !slices.Equal(got, all) || h.Count(want...) != len(all) {
			t.Errorf("OfKind(%v) gave %d records, Count %d, want %d", want, len(got), h.Count(want...), len(all))
		}
	}
}

// TestInternOneSymbolPerString interns strings past the size at which the
// table caches by address, each spelled at several addresses and passed
// several times: equal strings always get one symbol, and the symbol reads
// back as the string, after a Reset too.
func TestInternOneSymbolPerString(t *testing.T) {
	h := &History{}
	for round := range 2 {
		syms := map[string]Sym{}
		for i := range 3 * symCacheLen {
			for _, s := range []string{fmt.Sprint("e-", i%1000), strings.Clone(fmt.Sprint("e-", i%1000)), "node"} {
				y := h.syms.intern(s)
				if want, ok := syms[s]; ok && want != y {
					t.Fatalf("round %d: %q got symbol %d, earlier %d", round, s, y, want)
				}
				syms[s] = y
				if h.Str(y) != s {
					t.Fatalf("round %d: symbol %d reads %q, want %q", round, y, h.Str(y), s)
				}
			}
		}
		if h.syms.cache == nil {
			t.Fatal("the table never made its address cache")
		}
		if got, want := h.syms.n-1, len(syms); got != want {
			t.Fatalf("round %d: %d symbols for %d strings", round, got, want)
		}
		h.Reset()
	}
}

// TestCompactIsOfKind checks that Compact yields the records OfKind
// yields, in compact form: the same indexes, and symbols that read back
// as the entries' strings, the service from the side row included.
func TestCompactIsOfKind(t *testing.T) {
	h := &History{}
	for i := range chunkLen + 100 {
		e := Entry{At: int64(i), Kind: []Kind{Deliver, Effect, Publish}[i%3], Group: "g", Event: fmt.Sprint("e", i%50), Key: "k"}
		if i%7 == 0 {
			e.Service = fmt.Sprint("svc", i%2)
		}
		h.Add(e)
	}
	var want []int
	for i := range h.OfKind(Effect, Deliver) {
		want = append(want, i)
	}
	var got []int
	for i, r := range h.Compact(Effect, Deliver) {
		e := h.At(i)
		if r.Kind() != e.Kind || h.Str(r.Group) != e.Group || h.Str(r.Event) != e.Event || h.Str(h.Service(r)) != e.Service {
			t.Fatalf("record %d: compact %+v does not read back as %v", i, *r, e)
		}
		got = append(got, i)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Compact gave %d records, OfKind %d", len(got), len(want))
	}
}

// TestSymbolIndex interns enough distinct strings to grow the index
// several times (and, for numbered strings like "id-7", to fill many pages
// of their series): each string keeps one symbol, Lookup finds exactly the
// strings added, and after a Reset the same strings in another order get
// the symbols of their new order, the memo of repeating fields included.
func TestSymbolIndex(t *testing.T) {
	for _, form := range []string{"id#", "id-"} {
		h := &History{}
		const n = 50_000
		for round := range 2 {
			for i := range n {
				j := i
				if round == 1 {
					j = n - 1 - i
				}
				s := fmt.Sprint(form, j)
				h.Add(Entry{Kind: Publish, Node: s, Event: s})
				if y, ok := h.Lookup(strings.Clone(s)); !ok || h.Str(y) != s || y != Sym(i+1) {
					t.Fatalf("round %d: Lookup(%q) = %d, %t; want %d", round, s, y, ok, i+1)
				}
			}
			for i := range n {
				if e := h.At(i); e.Node != e.Event || e.Node != fmt.Sprint(form, map[bool]int{true: i, false: n - 1 - i}[round == 0]) {
					t.Fatalf("round %d: record %d reads %q/%q", round, i, e.Node, e.Event)
				}
			}
			for _, s := range []string{form + "x", form + "50000", form + "050", "x-1", form} {
				if _, ok := h.Lookup(s); ok {
					t.Fatalf("Lookup found %q, never added", s)
				}
			}
			if form == "id#" && len(h.syms.index) < 2*n {
				t.Fatalf("index of %d slots for %d symbols: more than half full", len(h.syms.index), n)
			}
			if form == "id-" && (h.syms.indexed != 0 || len(h.syms.seriesOf) != 1) {
				t.Fatalf("numbered strings: %d in the index, %d series; want 0, 1", h.syms.indexed, len(h.syms.seriesOf))
			}
			h.Reset()
			if _, ok := h.Lookup(form + "1"); ok {
				t.Fatal("Lookup found a string after Reset")
			}
		}
	}
}

// TestNumberedForm: exactly the strings prefix-n, n of 1 to 9 decimal
// digits without a leading zero, are numbered.
func TestNumberedForm(t *testing.T) {
	for s, want := range map[string]struct {
		prefix string
		n      uint32
		ok     bool
	}{
		"p-1": {"p", 1, true}, "p-0": {"p", 0, true}, "acct-999999999": {"acct", 999999999, true},
		"a-b-12": {"a-b", 12, true}, "-5": {"", 5, true}, "p--3": {"p-", 3, true},
		"p-01": {}, "p-1000000000": {}, "p-": {}, "p1": {}, "12": {}, "p-1x": {}, "p-+1": {}, "": {}, "p-٣": {},
	} {
		prefix, n, ok := numbered(s)
		if prefix != want.prefix || n != want.n || ok != want.ok {
			t.Errorf("numbered(%q) = %q, %d, %t; want %q, %d, %t", s, prefix, n, ok, want.prefix, want.n, want.ok)
		}
	}
}

// TestMemoAfterReset: a repeating field's memo does not outlive a Reset,
// where the string it holds gets a new symbol.
func TestMemoAfterReset(t *testing.T) {
	h := &History{}
	s := strings.Clone("node-b")
	h.Add(Entry{Kind: Publish, Node: "node-a"})
	h.Add(Entry{Kind: Publish, Node: s})
	h.Reset()
	h.Add(Entry{Kind: Publish, Node: s})
	if got := h.At(0).Node; got != s {
		t.Fatalf("after Reset the node reads %q, want %q", got, s)
	}
	if y, ok := h.Lookup(s); !ok || y != 1 {
		t.Fatalf("after Reset %q is symbol %d (%t), want 1", s, y, ok)
	}
}

// TestProducerFieldsInPlace: the append and acknowledgement of an
// idempotent producer's record need no side row; the same fields on a
// record that uses Version, or on a kind that is not a producer's, do.
func TestProducerFieldsInPlace(t *testing.T) {
	h := &History{}
	h.Add(Entry{Kind: Append, Topic: "t", Event: "p-1", ProducerID: 3, Seq: 1 << 40, Epoch: 2})
	h.Add(Entry{Kind: PublishAck, Topic: "t", Event: "p-1", ProducerID: -1, Offset: 7})
	if h.nx != 0 {
		t.Fatalf("%d side rows for producer records, want 0", h.nx)
	}
	h.Add(Entry{Kind: Append, Topic: "t", Event: "p-2", ProducerID: 3, Seq: 2, Version: 1})
	h.Add(Entry{Kind: Effect, Group: "g", Event: "p-2", ProducerID: 3})
	if h.nx != 2 {
		t.Fatalf("%d side rows, want 2", h.nx)
	}
	if e := h.At(0); e.ProducerID != 3 || e.Seq != 1<<40 || e.Epoch != 2 || e.Version != 0 || e.Position != 0 || e.Value != 0 {
		t.Fatalf("append reads back as %+v", e)
	}
	if e := h.At(2); e.ProducerID != 3 || e.Seq != 2 || e.Version != 1 {
		t.Fatalf("append with a version reads back as %+v", e)
	}
}

// TestCommandInPlace: a command's or query's record whose only side
// field is its Command needs no side row, and one with a reason too keeps
// its Command in place beside it; a record that uses its Topic, or of a
// kind that is not a command's, keeps its Command in a side row. Each
// reads back as added, and CommandOf finds every Command.
func TestCommandInPlace(t *testing.T) {
	h := &History{}
	es := []Entry{
		{Kind: Command, Node: "c", Key: "acct-1", Command: "c-1", Type: "Deposit", Amount: 5, Attempt: 1, Mode: ModeWriteModel},
		{Kind: StoreAppend, Node: "store", Key: "acct-1", Event: "e-1", Command: "c-1", Version: 1, Position: 1},
		{Kind: CommandReturn, Node: "c", Key: "acct-1", Command: "c-1", Outcome: OutcomeOK, Version: 1, Position: 1, Value: 5},
		{Kind: Query, Node: "q", Group: "rm", Key: "acct-1", Command: "q-1", Mode: ModeStrong},
		{Kind: QueryReturn, Node: "q", Group: "rm", Key: "acct-1", Command: "q-1", Value: 5, Version: 1},
	}
	for _, e := range es {
		h.Add(e)
	}
	if h.nx != 0 {
		t.Fatalf("%d side rows for command and query records, want 0", h.nx)
	}
	more := []Entry{
		{Kind: CommandReturn, Node: "c", Key: "acct-1", Command: "c-2", Outcome: OutcomeRejected, Reason: "overdraft"},
		{Kind: Command, Node: "c", Topic: "t", Command: "c-3"},
		{Kind: Effect, Group: "g", Event: "e-1", Command: "c-4"},
	}
	for _, e := range more {
		h.Add(e)
	}
	if h.nx != 3 {
		t.Fatalf("%d side rows, want 3", h.nx)
	}
	es = append(es, more...)
	for i, want := range es {
		if got := h.At(i); got != want {
			t.Errorf("record %d reads back as %+v, want %+v", i, got, want)
		}
		r := h.Record(i)
		if got := h.Str(h.CommandOf(&r)); got != want.Command {
			t.Errorf("CommandOf record %d: %q, want %q", i, got, want.Command)
		}
	}
	if r := h.Record(5); r.flags&flagCommand == 0 || h.side(r.ext-1).Command != 0 {
		t.Errorf("a rejected return keeps its Command in its side row, not in place")
	}
}

// TestStoreAppendInPlace: a store append whose side fields are its
// command, basis, expected version and state needs no side row; one with
// a payload, or that uses its Offset, does. Each reads back as added.
func TestStoreAppendInPlace(t *testing.T) {
	h := &History{}
	es := []Entry{
		{Kind: StoreAppend, Node: "store", Key: "acct-1", Event: "e-1", Type: "Deposited", Amount: 5, Version: 2, Position: 9,
			Command: "c-1", Basis: 1, Expected: "1", State: "balance=5", Value: 5},
		{Kind: StoreAppend, Node: "store", Key: "acct-2", Event: "e-2", Version: 1, Position: 10, Command: "c-2", Expected: "no-stream"},
		{Kind: StoreAppend, Node: "store", Key: "acct-1", Event: "e-3", Version: 3, Command: "c-3", Basis: 2, Payload: `{"x":1}`},
		{Kind: StoreAppend, Node: "store", Key: "acct-1", Event: "e-4", Version: 4, Offset: 7, Basis: 3},
	}
	for i, e := range es {
		h.Add(e)
		if i == 1 && h.nx != 0 {
			t.Fatalf("%d side rows for plain store appends, want 0", h.nx)
		}
	}
	if h.nx != 2 {
		t.Fatalf("%d side rows, want 2", h.nx)
	}
	for i, want := range es {
		if got := h.At(i); got != want {
			t.Errorf("record %d reads back as %+v, want %+v", i, got, want)
		}
	}
}

// TestV11RefusesTransactions: a history with a transaction record, a
// txn_id or an input cannot be written as version 1.1, which has no
// transactions; the error names the record and nothing is written.
func TestV11RefusesTransactions(t *testing.T) {
	for _, e := range []Entry{
		{At: 3, Kind: TxnBegin, Node: "p", TxnID: "t-1"},
		{At: 3, Kind: Append, Node: "broker-0", TxnID: "t-1"},
		{At: 3, Kind: Publish, Node: "p", Input: "account-events/0/4"},
	} {
		h := FromEntries([]Entry{{At: 1, Kind: Publish, Node: "p", Event: "e-1"}, e})
		var out bytes.Buffer
		err := h.WriteJSONLAs(&out, SchemaV11)
		if err == nil || !strings.Contains(err.Error(), "record 1 (at 3, ") || !strings.Contains(err.Error(), Schema) {
			t.Errorf("%+v written as version 1.1: error %v, want one naming record 1 and %s", e, err, Schema)
		}
		if out.Len() != 0 {
			t.Errorf("%d bytes written before the refusal", out.Len())
		}
		if err := h.WriteJSONL(&out); err != nil {
			t.Errorf("version 2: %v", err)
		}
	}
}

// TestPutIsAdd: Put, which packs an entry by address, keeps the same
// history as Add.
func TestPutIsAdd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		es := rapid.SliceOfN(entryGen(), 1, 50).Draw(t, "entries")
		a, p := &History{}, &History{}
		for i := range es {
			a.Add(es[i])
			p.Put(&es[i])
		}
		if !slices.Equal(a.Entries(), p.Entries()) || !slices.Equal(p.Entries(), es) {
			t.Fatalf("Put keeps\n%+v\nAdd keeps\n%+v", p.Entries(), a.Entries())
		}
	})
}

// TestCacheSlotsShared: strings whose addresses share a slot of the
// address cache, and strings at one address with different lengths, each
// keep a symbol of their own.
func TestCacheSlotsShared(t *testing.T) {
	b := []byte(strings.Repeat("x", 1<<22))
	// offsets whose addresses take the slot of the first, each spelling a
	// different id
	var offs []int
	slot := symCacheSlot(&b[0])
	for o := 0; o+16 < len(b) && len(offs) < 4; o += 8 {
		if symCacheSlot(&b[o]) == slot && (len(offs) == 0 || o >= offs[len(offs)-1]+16) {
			offs = append(offs, o)
		}
	}
	if len(offs) < 4 {
		t.Fatalf("found %d offsets sharing a slot", len(offs))
	}
	for k, o := range offs {
		copy(b[o:], fmt.Sprintf("id-%d-long", k))
	}
	big := unsafe.String(&b[0], len(b)) // b is not written again
	h := &History{}
	for i := range symCacheFrom {
		h.syms.intern(fmt.Sprint("fill-", i)) // so that the table makes its cache
	}
	want := map[string]Sym{}
	for round := range 3 {
		for _, o := range offs {
			for _, n := range []int{4, 6, 9} {
				s := big[o : o+n]
				y := h.syms.intern(s)
				if h.Str(y) != s {
					t.Fatalf("round %d: %q got symbol %d, which reads %q", round, s, y, h.Str(y))
				}
				if w, ok := want[s]; ok && w != y {
					t.Fatalf("round %d: %q got symbol %d, earlier %d", round, s, y, w)
				}
				want[s] = y
			}
		}
	}
	if h.syms.cache == nil {
		t.Fatal("the table never made its address cache")
	}
	if got := h.syms.n - 1 - symCacheFrom; got != len(want) {
		t.Fatalf("%d symbols for %d strings", got, len(want))
	}
}

// TestSeriesPagesSparseThenDense: a numbered string whose page is far
// past its series's dense pages (kept in the table's page map) keeps its
// symbol once the dense pages grow past it, and after a Reset.
func TestSeriesPagesSparseThenDense(t *testing.T) {
	h := &History{}
	for round := range 2 {
		syms := map[string]Sym{}
		// far pages first, then pages 50 apart, each within reach of
		// the dense ones, which so grow past the far pages before the
		// strings of these come again
		order := []int{5000, 900}
		for i := 0; i < 6000; i += 50 << seriesPageBits {
			order = append(order, i)
		}
		for i := range 6000 {
			order = append(order, i)
		}
		for _, i := range order {
			s := fmt.Sprint("q-", i)
			y := h.syms.intern(s)
			if want, ok := syms[s]; ok && want != y {
				t.Fatalf("round %d: %q got symbol %d, earlier %d", round, s, y, want)
			}
			syms[s] = y
			if l, ok := h.Lookup(strings.Clone(s)); !ok || l != y || h.Str(y) != s {
				t.Fatalf("round %d: Lookup(%q) = %d, %t; want %d", round, s, l, ok, y)
			}
		}
		if sr := h.syms.seriesOf["q"]; len(sr.dense) < 6000>>seriesPageBits || len(h.syms.pages) == 0 {
			t.Fatalf("round %d: %d dense pages, %d in the map; want the first 750 dense and some in the map",
				round, len(sr.dense), len(h.syms.pages))
		}
		h.Reset()
	}
}

// TestResetTwice: a history reset twice in a row (released, then taken
// for the next run), the second time with nothing to clear, reads back
// the records added next with symbols numbered afresh, numbered strings
// and names included.
func TestResetTwice(t *testing.T) {
	h := &History{}
	name := NewName("node-a")
	fill := func(offset int) []Entry {
		var es []Entry
		for i := range 3 * symCacheFrom {
			e := Entry{Kind: Publish, Node: "node-b", Event: fmt.Sprintf("ev-%d", i+offset), Key: fmt.Sprintf("k%d", (i+offset)%7)}
			h.Add(e)
			es = append(es, e)
		}
		putStamped(h, Publish.Code(), &name, "ev-named")
		es = append(es, Entry{Kind: Publish, Node: "node-a", Event: "ev-named"})
		return es
	}
	fill(0)
	for round := range 3 {
		h.Reset()
		h.Reset()
		es := fill(1000 * (round + 1))
		for i, want := range es {
			if got := h.At(i); got != want {
				t.Fatalf("round %d: record %d reads %+v, want %+v", round, i, got, want)
			}
		}
		if y, ok := h.Lookup("node-b"); !ok || y != 1 {
			t.Fatalf("round %d: node-b is symbol %d (%t), want 1", round, y, ok)
		}
	}
}
