package history

import (
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPutStampedAgreesWithAdd: a history recorded with PutStamped holds
// record for record the same compact records, symbols included, the same
// entries and the same counts by kind as one recorded with Add of each
// record's Entry, mixed with entries added with Add and records put with
// stamps made for one record, across Reset, Close and reuse of the history. Stamps are used
// in this history and another one in turn, and across Resets (their
// symbols stale), some with a service (a side row); each record comes
// with the tag PutStamped returned for its strings in this history's
// current table, in its table before a Reset or Close (stale), in another
// history (foreign), hints of any symbols, or none: a stale or foreign
// tag is told and its strings looked up, never its symbols used.
func TestPutStampedAgreesWithAdd(t *testing.T) {
	var current, stale, foreign, hinted, side, staleStamp, spilled int
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
		stamps := make([]Stamp, rapid.IntRange(1, 6).Draw(t, "stamps"))
		for i := range stamps {
			var service *Name
			if rapid.IntRange(0, 4).Draw(t, "with service") == 0 {
				service = name.Draw(t, "service")
			}
			stamps[i] = NewStamp(kind.Draw(t, "kind").Code(), name.Draw(t, "node"), name.Draw(t, "group"), service, name.Draw(t, "topic"))
		}
		h, ref, other := &History{}, &History{}, &History{}
		n := rapid.IntRange(1, 400).Draw(t, "n")
		if rapid.IntRange(0, 9).Draw(t, "spill") == 0 { // past a chunk boundary
			h.SpillOver(1, dir)
			n = chunkLen + rapid.IntRange(1, 64).Draw(t, "n-spill")
			spilled++
		}
		defer h.Close()
		// the tags returned, by the strings they were returned for (the
		// type with them, though a tag does not hold its symbol), and
		// the generation of h's table then
		type strs struct{ ev, key, typ string }
		type told struct {
			tag Tag
			gen uint64
		}
		tags, foreignTags := map[strs]told{}, map[strs]Tag{}
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
			case 2: // the stamps and names used in another history
				for j := range stamps {
					other.PutStamped(&stamps[j], &Mark{At: 1, Event: "p-1"}, Tag{})
				}
			case 3, 4: // an entry added the usual way
				e := Entry{At: int64(i), Kind: Deliver, Node: str.Draw(t, "add-node"), Topic: str.Draw(t, "add-topic"),
					Event: str.Draw(t, "add-event"), Type: str.Draw(t, "add-type")}
				h.Add(e)
				ref.Add(e)
				continue
			case 5: // a record put through a stamp made for it alone, as an offset commit is
				one := NewStamp(kind.Draw(t, "one-kind").Code(), name.Draw(t, "one-node"), nil, nil, name.Draw(t, "one-topic"))
				m := Mark{At: int64(i), Event: str.Draw(t, "one-event"), Key: str.Draw(t, "one-key")}
				h.PutStamped(&one, &m, Tag{})
				ref.Add(one.Entry(&m))
				continue
			}
			st := &stamps[rapid.IntRange(0, len(stamps)-1).Draw(t, "stamp")]
			if st.gen != 0 && st.gen != h.syms.gen {
				staleStamp++
			}
			m := Mark{At: int64(i), Partition: small.Draw(t, "partition"),
				Offset: num.Draw(t, "offset"), Event: str.Draw(t, "event"), Key: str.Draw(t, "key"),
				Type: str.Draw(t, "type"), Amount: num.Draw(t, "amount"), Value: num.Draw(t, "value"),
				Attempt: small.Draw(t, "attempt"), Generation: small.Draw(t, "generation")}
			if rapid.Bool().Draw(t, "key name") {
				m.KeyName = name.Draw(t, "key-name")
			}
			if prefix, n, ok := numbered(m.Event); ok && n != 0 && rapid.Bool().Draw(t, "event number") {
				m.EventPrefix, m.EventNumber = prefix, n
				if rapid.IntRange(0, 3).Draw(t, "wrong tale") == 0 { // checked, never trusted
					m.EventNumber = n%999_999_999 + 1
				}
			}
			if rapid.IntRange(0, 7).Draw(t, "payload") == 0 {
				m.Payload = str.Draw(t, "payload-str")
			}
			if rapid.Bool().Draw(t, "producer") {
				m.ProducerID, m.Seq = num.Draw(t, "pid"), num.Draw(t, "seq")
				m.Epoch = rapid.SampledFrom([]int{0, 1, 1 << 40}).Draw(t, "epoch")
			}
			key := m.Key
			if m.KeyName != nil {
				key = m.KeyName.s
			}
			ss := strs{m.Event, key, m.Type}
			var tag Tag
			switch rapid.IntRange(0, 4).Draw(t, "tag") {
			case 0, 1: // the tag last returned for the strings, if any
				if tt, ok := tags[ss]; ok {
					tag = tt.tag
					if tt.gen == h.syms.gen {
						current++
					} else {
						stale++
					}
				}
			case 2: // another history's tag for the strings
				if ft, ok := foreignTags[ss]; ok {
					tag = ft
					foreign++
				}
			case 3: // hints of any symbols
				tag = Hints(Sym(rapid.IntRange(0, 12).Draw(t, "ev")), Sym(rapid.IntRange(0, 12).Draw(t, "key-sym")))
				hinted++
			}
			before := h.nx
			got := h.PutStamped(st, &m, tag)
			if h.nx != before {
				side++
			}
			tags[ss] = told{got, h.syms.gen}
			if rapid.IntRange(0, 3).Draw(t, "foreign") == 0 {
				foreignTags[ss] = other.PutStamped(st, &m, Tag{})
			}
			ref.Add(st.Entry(&m))
			if r := h.Record(h.Len() - 1); got.ev != r.Event || got.key != r.Key || got.gen != uint32(h.syms.gen) {
				t.Fatalf("record %d: tag %+v, want the record's symbols %d %d of generation %d", h.Len()-1, got,
					r.Event, r.Key, h.syms.gen)
			}
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
		for _, k := range append([]Kind{Publish, Append, PublishAck, Deliver, Effect}, kinds...) {
			if got, want := h.Count(k), ref.Count(k); got != want {
				t.Fatalf("%d %s records counted, want %d", got, k, want)
			}
		}
	})
	if current == 0 || stale == 0 || foreign == 0 || hinted == 0 || side == 0 || staleStamp == 0 || spilled == 0 {
		t.Fatalf("tags drawn of the current table %d, of one before (stale) %d, of another history %d, hints %d; "+
			"%d records with a side row, %d with a stamp of another table, %d histories spilling; want each",
			current, stale, foreign, hinted, side, staleStamp, spilled)
	}
}

// TestStampAfterReset: a stamp's and a tag's symbols from before a Reset
// are not used after it, though the table then numbers other strings
// where they were.
func TestStampAfterReset(t *testing.T) {
	h := &History{}
	node, topic := NewName("node-a"), NewName("topic-a")
	st := NewStamp(Deliver.Code(), &node, nil, nil, &topic)
	m := Mark{Event: "ev-1", Key: "k", Type: "T"}
	tag := h.PutStamped(&st, &m, Tag{})
	h.Reset()
	h.Add(Entry{Kind: Deliver, Node: "other", Topic: "x", Event: "y", Key: "z", Type: "w"}) // takes the old symbols
	h.PutStamped(&st, &m, tag)
	if got, want := h.At(1), st.Entry(&m); got != want {
		t.Fatalf("after a Reset: %+v, want %+v", got, want)
	}
	tag = h.PutStamped(&st, &m, Tag{})
	h.Close()
	h.Add(Entry{Kind: Deliver, Node: "third", Topic: "x", Event: "y", Key: "z", Type: "w"})
	h.PutStamped(&st, &m, tag)
	if got, want := h.At(1), st.Entry(&m); got != want {
		t.Fatalf("after a Close: %+v, want %+v", got, want)
	}
}

// TestTagGenerationsRunOut: past the table generations a tag can hold,
// a tag holds none, and a tag that holds none is never used, not even
// with a stamp of such a generation: its symbols are hints, checked.
func TestTagGenerationsRunOut(t *testing.T) {
	defer func(max uint64) { tagGenMax = max }(tagGenMax)
	tagGenMax = symGens.Load() + 1 // the next generation is the last
	h, ref := &History{}, &History{}
	node := NewName("n")
	st := NewStamp(Deliver.Code(), &node, nil, nil, nil)
	m := Mark{Event: "e-1", Key: "k", Type: "T"}
	if tag := h.PutStamped(&st, &m, Tag{}); tag.gen == 0 {
		t.Fatal("a tag of the last generation holds none")
	}
	ref.Add(st.Entry(&m))
	h.Reset()
	ref.Reset()
	tag := h.PutStamped(&st, &m, Tag{})
	ref.Add(st.Entry(&m))
	if tag.gen != 0 || st.tgen != 0 {
		t.Fatalf("past the last generation: tag %+v, stamp's tag generation %d, want none", tag, st.tgen)
	}
	other := Mark{Event: "e-2", Key: "k2", Type: "T"} // tag is not its strings'
	h.PutStamped(&st, &other, tag)
	ref.Add(st.Entry(&other))
	for i := range h.Len() {
		if got, want := h.Record(i), ref.Record(i); got != want {
			t.Fatalf("record %d: %+v, want %+v", i, got, want)
		}
	}
}

// putStamped records a record of kind k by node with event ev through a
// stamp made for it alone.
func putStamped(h *History, k KindCode, node *Name, ev string) {
	st := NewStamp(k, node, nil, nil, nil)
	h.PutStamped(&st, &Mark{Event: ev}, Tag{})
}
