package history

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPutSymsAgreesWithAdd: a history recorded with PutSyms (hints right,
// wrong, stale from before a Reset, or none) holds record for record the
// same compact records, symbols included, as one recorded with Add; every
// string has one symbol whichever way it came in (a numbered id spelled
// at one address or another, through the cache or not, interned by a
// record or looked up first), and Lookup agrees with the records.
func TestPutSymsAgreesWithAdd(t *testing.T) {
	var right, wrong int
	rapid.Check(t, func(t *rapid.T) {
		// ids and keys that are numbered strings of a few prefixes, and
		// strings close to them that are not
		words := rapid.SampledFrom([]string{"p-1", "p-2", "p-33", "p-0", "q-1", "p-01", "p-", "acct-7",
			"acct-1000000000", "x", "", "p-1-2", "p-999999999", "p-32", "p-31"})
		h, ref := &History{}, &History{}
		type hint struct{ ev, key Sym }
		hints := map[string]hint{} // by event: the symbols PutSyms returned
		n := rapid.IntRange(1, 200).Draw(t, "n")
		for i := range n {
			e := Entry{At: int64(i), Kind: rapid.SampledFrom([]Kind{Publish, Append, Deliver, Effect}).Draw(t, "kind"),
				Node: words.Draw(t, "node"), Event: words.Draw(t, "event"), Key: words.Draw(t, "key")}
			if rapid.Bool().Draw(t, "clone") { // the same strings at other addresses
				e.Event, e.Key = strings.Clone(e.Event), strings.Clone(e.Key)
			}
			switch rapid.IntRange(0, 5).Draw(t, "how") {
			case 0:
				h.Add(e)
			case 1:
				h.Put(&e)
			case 2, 3: // the hints of the event's last record, right unless a Reset came between
				hn := hints[e.Event]
				ev, key := h.PutSyms(&e, hn.ev, hn.key)
				hints[e.Event] = hint{ev, key}
				right++
			case 4: // any symbols as hints
				ev := Sym(rapid.IntRange(0, 20).Draw(t, "ev"))
				key := Sym(rapid.IntRange(0, 20).Draw(t, "key-sym"))
				h.PutSyms(&e, ev, key)
				wrong++
			case 5: // a lookup first, of a copy
				h.Lookup(strings.Clone(e.Event))
				h.Add(e)
			}
			ref.Add(e)
			if rapid.IntRange(0, 60).Draw(t, "reset") == 0 {
				h.Reset()
				ref.Reset()
			}
		}
		if h.Len() != ref.Len() {
			t.Fatalf("%d records, want %d", h.Len(), ref.Len())
		}
		for i := range h.Len() {
			if got, want := h.Record(i), ref.Record(i); got != want {
				t.Fatalf("record %d: %+v, want %+v (entry %+v)", i, got, want, ref.At(i))
			}
			r := h.Record(i)
			for _, y := range []Sym{r.Node, r.Event, r.Key} {
				if l, ok := h.Lookup(strings.Clone(h.Str(y))); !ok || l != y {
					t.Fatalf("record %d: symbol %d (%q) looks up as %d, %t", i, y, h.Str(y), l, ok)
				}
			}
		}
	})
	if right == 0 || wrong == 0 {
		t.Fatalf("hints drawn: %d from earlier records, %d arbitrary; want both", right, wrong)
	}
}

// TestPutStepAgreesWithAdd: a history recorded with PutStep (packed in
// place, or through an Entry when the record needs a side row, with hints
// right or wrong, spilling or not) holds record for record the same
// compact records and entries as one recorded with Add of each step's
// Entry.
func TestPutStepAgreesWithAdd(t *testing.T) {
	var inPlace, side int
	dir := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		str := rapid.SampledFrom([]string{"", "p-1", "p-2", "acct-3", "acct-03", "g", "Deposited", "x y"})
		num := rapid.SampledFrom([]int64{0, 0, 0, 1, -1, 42, 1 << 40})
		small := rapid.SampledFrom([]int{0, 0, 1, 3, -1, 1 << 20})
		kind := rapid.SampledFrom(append([]Kind{Publish, Append, PublishAck, Deliver, Effect}, kinds...))
		h, ref := &History{}, &History{}
		if rapid.Bool().Draw(t, "spill") {
			h.SpillOver(1, dir)
		}
		var ev, key Sym
		n := rapid.IntRange(1, 3*chunkLen/2).Draw(t, "n")
		for i := range n {
			s := Step{At: int64(i), Kind: kind.Draw(t, "kind"), Node: str.Draw(t, "node"), Group: str.Draw(t, "group"),
				Topic: str.Draw(t, "topic"), Partition: small.Draw(t, "partition"), Offset: num.Draw(t, "offset"),
				Event: str.Draw(t, "event"), Key: str.Draw(t, "key"), Type: str.Draw(t, "type"),
				Amount: num.Draw(t, "amount"), Value: num.Draw(t, "value"),
				Attempt: small.Draw(t, "attempt"), Generation: small.Draw(t, "generation")}
			if rapid.IntRange(0, 5).Draw(t, "rare") == 0 {
				s.Service, s.Payload = str.Draw(t, "service"), str.Draw(t, "payload")
			}
			if rapid.Bool().Draw(t, "producer") {
				s.ProducerID, s.Seq = num.Draw(t, "pid"), num.Draw(t, "seq")
				s.Epoch = rapid.SampledFrom([]int{0, 1, 1 << 40}).Draw(t, "epoch")
			}
			if rapid.Bool().Draw(t, "no hints") {
				ev, key = 0, 0
			}
			before := h.nx
			ev, key = h.PutStep(&s, ev, key)
			if h.nx != before {
				side++
			} else {
				inPlace++
			}
			ref.Add(s.Entry())
		}
		if err := h.Err(); err != nil {
			t.Fatal(err)
		}
		for i := range h.Len() {
			if got, want := h.Record(i), ref.Record(i); got != want {
				t.Fatalf("record %d: %+v, want %+v", i, got, want)
			}
			if got, want := h.At(i), ref.At(i); got != want {
				t.Fatalf("entry %d: %+v, want %+v", i, got, want)
			}
		}
	})
	if inPlace == 0 || side == 0 {
		t.Fatalf("%d steps packed in place, %d with a side row; want both", inPlace, side)
	}
}
