package checks

import "github.com/evsim/evsim/model/history"

// symPageBits sets the page of a [symTable]: 1024 slots.
const symPageBits = 10

// symTable maps the symbols of one history ([history.Sym]) to values of
// T, the zero T for a symbol never set, with no hashing: slot y of page
// y>>symPageBits. A page is allocated when a slot in it is first set, so
// that a table a check keeps per group, service or event type costs what
// the symbols it holds span, not the whole symbol table: a history of a
// million symbols and a thousand groups that each touch a few events
// costs a page or two per group. The zero symTable is empty.
type symTable[T any] struct {
	pages []*[1 << symPageBits]T
}

// get returns y's value, the zero T when it was never set.
func (t *symTable[T]) get(y history.Sym) T {
	if p := int(y >> symPageBits); p < len(t.pages) && t.pages[p] != nil {
		return t.pages[p][y&(1<<symPageBits-1)]
	}
	var zero T
	return zero
}

// slot returns y's slot, allocating its page.
func (t *symTable[T]) slot(y history.Sym) *T {
	p := int(y >> symPageBits)
	if p >= len(t.pages) {
		t.pages = append(t.pages, make([]*[1 << symPageBits]T, p+1-len(t.pages))...)
	}
	if t.pages[p] == nil {
		t.pages[p] = new([1 << symPageBits]T)
	}
	return &t.pages[p][y&(1<<symPageBits-1)]
}

// set sets y's value to v.
func (t *symTable[T]) set(y history.Sym, v T) { *t.slot(y) = v }

// symSet is a set of the symbols of one history, a bit per symbol in
// pages of 1024 bits (16 words) allocated as symbols in them are added:
// a check's set of event ids costs a bit each and no hashing. A nil
// *symSet is empty.
type symSet struct {
	pages []*[1 << symPageBits / 64]uint64
}

// has reports whether y is in s.
func (s *symSet) has(y history.Sym) bool {
	if s == nil {
		return false
	}
	p := int(y >> symPageBits)
	return p < len(s.pages) && s.pages[p] != nil && s.pages[p][y&(1<<symPageBits-1)/64]&(1<<(y%64)) != 0
}

// add puts y in s.
func (s *symSet) add(y history.Sym) {
	p := int(y >> symPageBits)
	if p >= len(s.pages) {
		s.pages = append(s.pages, make([]*[1 << symPageBits / 64]uint64, p+1-len(s.pages))...)
	}
	if s.pages[p] == nil {
		s.pages[p] = new([1 << symPageBits / 64]uint64)
	}
	s.pages[p][y&(1<<symPageBits-1)/64] |= 1 << (y % 64)
}

// symSetOf returns m's set for k, adding an empty one when m has none.
func symSetOf[K comparable](m map[K]*symSet, k K) *symSet {
	s, ok := m[k]
	if !ok {
		s = new(symSet)
		m[k] = s
	}
	return s
}

// symIndex maps the symbols of one history to record indexes: y's slot
// holds 1 + the index recorded for y, 0 for none (a history's records,
// 96 bytes each, number far fewer than 2^31). A nil *symIndex is empty.
type symIndex struct{ slots symTable[int32] }

// get returns the index recorded for y; ok is false when there is none.
func (x *symIndex) get(y history.Sym) (int, bool) {
	if x == nil {
		return 0, false
	}
	if v := x.slots.get(y); v != 0 {
		return int(v) - 1, true
	}
	return 0, false
}

// set records index i for y.
func (x *symIndex) set(y history.Sym, i int) { x.slots.set(y, int32(i+1)) }

// symPair packs two symbols into one map key.
func symPair(a, b history.Sym) uint64 { return uint64(a)<<32 | uint64(b) }

// partMax bounds the partition numbers a [partSlots] keeps in its slice.
const partMax = 1 << 16

// partSlots holds a T per partition number with no hashing: a slice for
// the usual small numbers, a map for any other (a negative one, or a
// huge one a hand-written history may hold). The zero partSlots is empty.
type partSlots[T any] struct {
	small []T
	other map[int32]*T
}

// get returns partition p's value, the zero T when it was never set.
func (s *partSlots[T]) get(p int32) T {
	if p >= 0 && p < partMax {
		if int(p) < len(s.small) {
			return s.small[p]
		}
	} else if x := s.other[p]; x != nil {
		return *x
	}
	var zero T
	return zero
}

// slot returns partition p's slot, the zero T when it was never set. The
// pointer is good until the next call of slot.
func (s *partSlots[T]) slot(p int32) *T {
	if p >= 0 && p < partMax {
		if int(p) >= len(s.small) {
			s.small = append(s.small, make([]T, int(p)+1-len(s.small))...)
		}
		return &s.small[p]
	}
	if s.other == nil {
		s.other = map[int32]*T{}
	}
	x := s.other[p]
	if x == nil {
		x = new(T)
		s.other[p] = x
	}
	return x
}
