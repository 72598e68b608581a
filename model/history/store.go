package history

import (
	"fmt"
	"iter"
	"runtime"
	"unsafe"
)

// chunkBits sets the size of a history's chunks: 4096 records (384 KiB).
// A history grows a chunk at a time and never copies what it holds.
const chunkBits = 12

const chunkLen = 1 << chunkBits

// History is the ordered list of records of one run. The zero value is an
// empty history ready to use. A History is not safe for concurrent use.
//
// A recorder adds [Entry] values; a history keeps each as a compact
// [Record] in fixed-size chunks, its strings interned in a symbol table of
// its own. Read it back with [History.At] or [History.All].
//
// A History must not be copied once used (go vet's copylocks check
// reports a copy): a copy would share its chunks, whose mapped memory
// Close on either unmaps under the other.
type History struct {
	_ noCopy

	// Source says where the records come from; empty means evsim's own
	// simulation, with simulated time in causal order. A live run names
	// the broker and the clients: its times are wall-clock time and its
	// order is the order one observer saw things in.
	Source string

	recs  [][]Record
	n     int
	sides [][]extra
	nx    int
	syms  symbols
	sp    *spill // nil until SpillOver
	mem   *chunkMem

	// ordered is the number of leading records [History.Validate] found
	// in time order: records are only appended, and [History.Set] and
	// [History.Reset] lower it to the first record they change.
	ordered int

	// changes counts the calls that rewrote records already added
	// ([History.Set], [History.Reset]): see [History.Changes].
	changes uint64

	// kindN counts the records of each kind code, for [History.Count].
	kindN [256]int32
}

// noCopy makes go vet report a copy of the struct that holds it.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// FromEntries returns a history of es, in order.
func FromEntries(es []Entry) *History {
	h := &History{}
	for i := range es {
		h.add(&es[i])
	}
	return h
}

// Add appends an entry.
func (h *History) Add(e Entry) { h.add(&e) }

// Put appends *e, as [History.Add] does, without copying it: a recorder
// that adds millions of entries passes each by address (an Entry is over
// 600 bytes, and a call passing it by value copies it whole).
func (h *History) Put(e *Entry) { h.add(e) }

// PutSyms is [History.Put] for a recorder that knows the symbols of the
// entry's Event and Key from an earlier record of the same event (a
// delivery path records each event several times): it returns the
// symbols the record uses, to pass with the event's next record. ev and
// key are hints, 0 for none: a hint that is not the symbol of the field
// (of another history, or from before a Reset) is looked up as Put does,
// so that a wrong hint costs time, never a wrong record.
func (h *History) PutSyms(e *Entry, ev, key Sym) (Sym, Sym) { return h.put(e, ev, key) }

// add appends *e.
func (h *History) add(e *Entry) { h.put(e, 0, 0) }

// put appends *e with the hints of [History.PutSyms], packing it straight
// into its slot. At a chunk boundary of a history that spills, it packs
// first and spills then, so that the side row the record may take counts
// in what the spill sees.
func (h *History) put(e *Entry, ev, key Sym) (Sym, Sym) {
	if h.sp != nil && h.n&(chunkLen-1) == 0 {
		var r Record
		if h.packRecord(e, &r, ev, key) {
			h.packExtra(e, &r, h.newSide())
			r.ext = uint32(h.nx)
		}
		h.spillOld()
		h.grow()
		h.recs[h.n>>chunkBits][0] = r
		h.kindN[r.kind]++
		h.n++
		return r.Event, r.Key
	}
	if h.n>>chunkBits == len(h.recs) {
		h.grow()
	}
	r := &h.recs[h.n>>chunkBits][h.n&(chunkLen-1)]
	if h.packRecord(e, r, ev, key) {
		h.packExtra(e, r, h.newSide())
		r.ext = uint32(h.nx)
	}
	h.kindN[r.kind]++
	h.n++
	ev, key = r.Event, r.Key
	runtime.KeepAlive(h) // see chunkMem
	return ev, key
}

// grow adds a chunk of records when the history has none free.
func (h *History) grow() {
	if h.n>>chunkBits == len(h.recs) {
		h.recs = append(h.recs, newChunk[Record](h))
	}
}

// newSide returns the next side row, whose number (1 + its index) is then
// h.nx.
func (h *History) newSide() *extra {
	if h.nx>>chunkBits == len(h.sides) {
		h.sides = append(h.sides, newChunk[extra](h))
	}
	x := &h.sides[h.nx>>chunkBits][h.nx&(chunkLen-1)]
	h.nx++
	return x
}

func (h *History) side(i uint32) *extra {
	c := h.sides[i>>chunkBits]
	if c == nil {
		c = h.loadSides(int(i >> chunkBits))
	}
	return &c[i&(chunkLen-1)]
}

// Len returns the number of records.
func (h *History) Len() int { return h.n }

// Record returns the compact form of record i (0 ≤ i < Len).
func (h *History) Record(i int) Record {
	if i < 0 || i >= h.n {
		panic("history: record index out of range")
	}
	r := *h.rec(i)
	runtime.KeepAlive(h) // see chunkMem
	return r
}

// At returns record i (0 ≤ i < Len) as an Entry.
func (h *History) At(i int) Entry {
	if i < 0 || i >= h.n {
		panic("history: record index out of range")
	}
	return h.unpack(h.rec(i))
}

// All yields the index and Entry of each record, in order. Like ranging
// over a slice, it visits the records the history had when it started.
func (h *History) All() iter.Seq2[int, Entry] {
	return func(yield func(int, Entry) bool) {
		n := h.n
		for i := 0; i < n; i++ {
			if !yield(i, h.unpack(h.rec(i))) {
				return
			}
		}
	}
}

// Set replaces record i (0 ≤ i < Len) with e.
func (h *History) Set(i int, e Entry) {
	if i < 0 || i >= h.n {
		panic("history: record index out of range")
	}
	var r Record
	more := h.packRecord(&e, &r, 0, 0)
	old := h.rec(i)
	if more {
		if old.ext != 0 {
			r.ext = old.ext
			h.packExtra(&e, &r, h.side(old.ext-1))
			h.wroteSide(old.ext - 1)
		} else {
			h.packExtra(&e, &r, h.newSide())
			r.ext = uint32(h.nx)
		}
	}
	h.kindN[old.kind]--
	h.kindN[r.kind]++
	*old = r
	h.ordered = min(h.ordered, i)
	h.changes++
	h.wroteRec(i)
	runtime.KeepAlive(h) // see chunkMem
}

// Entries returns every record as an Entry, in order: a copy the caller
// may change (tests that plant an anomaly, then judge [FromEntries]).
func (h *History) Entries() []Entry {
	es := make([]Entry, 0, h.n)
	for _, e := range h.All() {
		es = append(es, e)
	}
	return es
}

// Str returns the string of symbol y of this history.
func (h *History) Str(y Sym) string { return h.syms.str(y) }

// Lookup returns the symbol of s in this history; ok is false when no
// record uses s (so no record's field equals it).
func (h *History) Lookup(s string) (y Sym, ok bool) {
	return h.syms.lookup(s)
}

// Bytes estimates the memory the history holds: its chunks (records and
// side rows, whole chunks counted) and its symbol table.
func (h *History) Bytes() int64 {
	return int64(len(h.recs))*chunkLen*int64(unsafe.Sizeof(Record{})) +
		int64(len(h.sides))*chunkLen*int64(unsafe.Sizeof(extra{})) +
		h.syms.bytes() + h.spillDelta()
}

// Range yields the index and Entry of records lo to hi-1, in order (hi is
// clipped to the records the history had when it started).
func (h *History) Range(lo, hi int) iter.Seq2[int, Entry] {
	return func(yield func(int, Entry) bool) {
		hi := min(hi, h.n)
		for i := max(lo, 0); i < hi; i++ {
			if !yield(i, h.unpack(h.rec(i))) {
				return
			}
		}
	}
}

// Reset empties the history and its symbol table, keeping the memory of
// its chunks for the records added next.
func (h *History) Reset() {
	if h.n > 0 {
		h.kindN = [256]int32{}
	}
	h.Source, h.n, h.nx, h.ordered = "", 0, 0, 0
	h.changes++
	h.syms.reset()
	if h.sp != nil {
		h.resetSpill()
	}
}

// Changes counts the calls that rewrote records the history already had
// ([History.Set], [History.Reset], [History.SetEntries]); adding records
// does not count. A reader that keeps what it computed from the history
// (the checks of one judgement share their passes) reads it afresh when
// Changes or [History.Len] differ from when it computed.
func (h *History) Changes() uint64 { return h.changes }

// Cap returns the number of records the history holds without growing.
func (h *History) Cap() int { return len(h.recs) * chunkLen }

// SetEntries replaces every record of the history with es, in order,
// keeping its source.
func (h *History) SetEntries(es []Entry) {
	src := h.Source
	h.Reset()
	h.Source = src
	for i := range es {
		h.add(&es[i])
	}
}

// String describes the history in one line (not its records: see
// [Entry.String] and [History.WriteJSONL]).
func (h *History) String() string {
	if h.Source != "" {
		return fmt.Sprintf("history of %d records (%s)", h.n, h.Source)
	}
	return fmt.Sprintf("history of %d records", h.n)
}
