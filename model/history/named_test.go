package history

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPutNamedAgreesWithAdd: a history recorded with PutNamed holds
// record for record the same compact records, symbols included, and the
// same entries as one recorded with Add of each step's Entry (its key
// given by string or by Name, a numbered event's number told or not),
// mixed with
// entries added with Add, across Reset, Close and reuse of the history,
// and with Names that hold a symbol of the history's current table, of
// its table before a Reset or Close (stale), or of another history: a
// stale or foreign symbol is detected and the name interned again, never
// used.
func TestPutNamedAgreesWithAdd(t *testing.T) {
	var valid, stale, foreign, side, numberTold int
	dir := t.TempDir()
	rapid.Check(t, func(t *rapid.T) {
		words := []string{"", "p", "broker", "g-0", "g-1", "t", "acct-3", "p-1", "p-2", "q-7", "p-999999999", "Deposited", "x y"}
		names := make([]Name, len(words))
		for i, w := range words {
			names[i] = NewName(strings.Clone(w))
		}
		name := rapid.Custom(func(t *rapid.T) *Name {
			i := rapid.IntRange(-1, len(names)-1).Draw(t, "name")
			if i < 0 {
				return nil
			}
			return &names[i]
		})
		str := rapid.SampledFrom(words)
		num := rapid.SampledFrom([]int64{0, 0, 0, 1, -1, 42, 1 << 40})
		small := rapid.SampledFrom([]int{0, 0, 1, 3, -1, 1 << 20})
		kind := rapid.SampledFrom(append([]Kind{Publish, Append, PublishAck, Deliver, Effect}, kinds...))
		h, ref, other := &History{}, &History{}, &History{}
		n := rapid.IntRange(1, 400).Draw(t, "n")
		if rapid.IntRange(0, 9).Draw(t, "spill") == 0 { // past a chunk boundary
			h.SpillOver(1, dir)
			n = chunkLen + rapid.IntRange(1, 64).Draw(t, "n-spill")
		}
		defer h.Close()
		var ev, key Sym
		closeAt := rapid.IntRange(0, 2*n).Draw(t, "close at") // once at most: a Close frees the chunks
		for i := range n {
			if i == closeAt {
				h.Close()
				ref.Close()
			}
			switch rapid.IntRange(0, 60).Draw(t, "op") {
			case 0, 1: // both emptied, to be reused
				h.Reset()
				ref.Reset()
			case 2: // the names recorded in another history
				for j := range names {
					other.PutNamed(&NamedStep{At: 1, Kind: Effect.Code(), Node: &names[j]}, 0, 0)
				}
			case 3, 4: // an entry added the usual way
				e := Entry{At: int64(i), Kind: Deliver, Node: str.Draw(t, "add-node"), Topic: str.Draw(t, "add-topic"),
					Event: str.Draw(t, "add-event"), Type: str.Draw(t, "add-type")}
				h.Add(e)
				ref.Add(e)
				continue
			}
			s := NamedStep{At: int64(i), Kind: kind.Draw(t, "kind").Code(), Node: name.Draw(t, "node"),
				Group: name.Draw(t, "group"), Topic: name.Draw(t, "topic"), Partition: small.Draw(t, "partition"),
				Offset: num.Draw(t, "offset"), Event: str.Draw(t, "event"), Key: str.Draw(t, "key"),
				Type: str.Draw(t, "type"), Amount: num.Draw(t, "amount"), Value: num.Draw(t, "value"),
				Attempt: small.Draw(t, "attempt"), Generation: small.Draw(t, "generation")}
			if rapid.Bool().Draw(t, "key name") {
				s.KeyName = name.Draw(t, "key-name")
			}
			if prefix, n, ok := numbered(s.Event); ok && n != 0 && rapid.Bool().Draw(t, "event number") {
				s.EventPrefix, s.EventNumber = prefix, n // told, as a producer tells its ids
				numberTold++
				switch rapid.IntRange(0, 5).Draw(t, "wrong tale") { // checked, never trusted
				case 0:
					s.EventNumber = n%999_999_999 + 1
				case 1:
					s.EventPrefix = prefix + "x"
				case 2: // the same length, another name
					if prefix != "" {
						s.EventPrefix = prefix[:len(prefix)-1] + string(rune('a'+(prefix[len(prefix)-1]+1)%26))
					}
				}
			}
			if rapid.IntRange(0, 5).Draw(t, "rare") == 0 {
				s.Service, s.Payload = name.Draw(t, "service"), str.Draw(t, "payload")
			}
			if rapid.Bool().Draw(t, "producer") {
				s.ProducerID, s.Seq = num.Draw(t, "pid"), num.Draw(t, "seq")
				s.Epoch = rapid.SampledFrom([]int{0, 1, 1 << 40}).Draw(t, "epoch")
			}
			switch rapid.IntRange(0, 3).Draw(t, "hints") {
			case 0:
				ev, key = 0, 0
			case 1: // any symbols
				ev, key = Sym(rapid.IntRange(0, 12).Draw(t, "ev")), Sym(rapid.IntRange(0, 12).Draw(t, "key-sym"))
			}
			for _, nm := range []*Name{s.Node, s.Group, s.Topic, s.KeyName} {
				switch {
				case nm == nil || nm.h == nil:
				case nm.h != h:
					foreign++
				case nm.gen != h.syms.gen:
					stale++
				default:
					valid++
				}
			}
			before := h.nx
			ev, key = h.PutNamed(&s, ev, key)
			if h.nx != before {
				side++
			}
			ref.Add(s.Entry())
		}
		if err := h.Err(); err != nil {
			t.Fatal(err)
		}
		if h.Len() != ref.Len() {
			t.Fatalf("%d records, want %d", h.Len(), ref.Len())
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
	if valid == 0 || stale == 0 || foreign == 0 || side == 0 || numberTold == 0 {
		t.Fatalf("names drawn holding a symbol of the current table %d, of one before (stale) %d, of another history %d; "+
			"%d steps with a side row, %d with the event's number told; want each", valid, stale, foreign, side, numberTold)
	}
}

// TestNameAfterReset: a Name's symbol from before a Reset is not used
// after it, though the table then numbers other strings where the name
// was.
func TestNameAfterReset(t *testing.T) {
	h := &History{}
	node := NewName("node-a")
	h.PutNamed(&NamedStep{Kind: Deliver.Code(), Node: &node}, 0, 0)
	h.Reset()
	h.Add(Entry{Kind: Deliver, Node: "other"}) // takes node-a's old symbol
	h.PutNamed(&NamedStep{Kind: Deliver.Code(), Node: &node}, 0, 0)
	if got := h.At(1).Node; got != "node-a" {
		t.Fatalf("node %q after a Reset, want node-a", got)
	}
	h.Close()
	h.Add(Entry{Kind: Deliver, Node: "third"})
	h.PutNamed(&NamedStep{Kind: Deliver.Code(), Node: &node}, 0, 0)
	if got := h.At(1).Node; got != "node-a" {
		t.Fatalf("node %q after a Close, want node-a", got)
	}
}
