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
