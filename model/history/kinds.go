package history

import (
	"iter"
	"math/bits"
)

// kindSet is a set of record kinds by code.
type kindSet [4]uint64

func (s *kindSet) has(c uint8) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func (s *kindSet) add(c uint8) { s[c>>6] |= 1 << (c & 63) }

// kindsOf returns the set of ks; a kind that is not known is in no
// record, so it adds nothing.
func kindsOf(ks []Kind) kindSet {
	var s kindSet
	for _, k := range ks {
		if c, ok := kindCodes.code(k); ok && c != 0 {
			s.add(c)
		}
	}
	return s
}

// OfKind yields the index and Entry of each record of one of the kinds
// ks, in order: [History.All] without the others, which it skips by
// their compact kind without unpacking them. Like All, it visits the
// records the history had when it started.
func (h *History) OfKind(ks ...Kind) iter.Seq2[int, Entry] {
	return func(yield func(int, Entry) bool) {
		for i, r := range h.Compact(ks...) {
			if !yield(i, h.unpack(r)) {
				return
			}
		}
	}
}

// KindCode returns the code of the record's kind ([Kind.Code]): for a
// loop over records of several kinds that tells them apart by code
// rather than by comparing their kinds' strings.
func (r Record) KindCode() KindCode { return KindCode(r.kind) }

// Count returns the number of records of one of the kinds ks: a size hint
// for a check's tables.
func (h *History) Count(ks ...Kind) int {
	set := kindsOf(ks)
	return h.count(&set)
}

// count returns the number of records of the kinds in set.
func (h *History) count(set *kindSet) int {
	n := 0
	for w, b := range set {
		for ; b != 0; b &= b - 1 {
			n += int(h.kindN[w<<6|bits.TrailingZeros64(b)])
		}
	}
	return n
}

// Compact yields the index and compact form of each record of one of the
// kinds ks, in order, without unpacking any: for a check that compares
// symbols ([History.Lookup], [History.Str]) rather than strings. It ends
// at the last record of the kinds, as counted ([History.Count]) when it
// starts, without reading the records after it: a loop over kinds a run
// records only at its start (its subscriptions, its read models) costs
// little. The
// record is the history's own; the caller must not change it, nor keep
// it past the loop's step (a spilled history reuses its memory). A loop
// that closes the history before its last record panics at its next
// step: the chunk it was reading may be unmapped.
func (h *History) Compact(ks ...Kind) iter.Seq2[int, *Record] {
	kinds := kindsOf(ks) // captured by value: one allocation, the closure
	return func(yield func(int, *Record) bool) {
		set := kinds
		n, slot, mem := h.n, -1, h.mem
		left := h.count(&set) // the records of the kinds not yielded yet
		if left == 0 {
			return
		}
		defer func() { h.unpinChunk(slot) }()
		for c := range h.recs {
			lo := c << chunkBits
			if lo >= n {
				return
			}
			h.unpinChunk(slot)
			var chunk []Record
			chunk, slot = h.pinChunk(c, &set)
			chunk = chunk[:min(len(chunk), n-lo)]
			for j := range chunk {
				if r := &chunk[j]; set.has(r.kind) {
					if !yield(lo+j, r) {
						return
					}
					if h.mem != mem && mem != nil { // closed: its chunks may be unmapped
						if lo+j+1 < n {
							panic("history: closed while a Compact loop reads it")
						}
						return
					}
					if left--; left == 0 {
						return
					}
				}
			}
		}
	}
}

// Service returns the symbol of record r's Service (0: none), which lives
// in its side row.
func (h *History) Service(r *Record) Sym {
	return sideOf(h, r, func(x *extra) Sym { return x.Service })
}
