package checks

import "github.com/evsim/evsim/model/history"

// symSet is a set of the symbols of one history ([history.Sym]), a bit
// per symbol of its table: a check's set of event ids costs a bit each
// and no hashing. The zero symSet is empty and takes no symbol.
type symSet []uint64

// newSymSet returns an empty set sized for every symbol of h.
func newSymSet(h *history.History) symSet { return make(symSet, (h.Symbols()+63)/64) }

// has reports whether y is in s.
func (s symSet) has(y history.Sym) bool {
	i := int(y / 64)
	return i < len(s) && s[i]&(1<<(y%64)) != 0
}

// add puts y in s, which must be sized for y's history.
func (s symSet) add(y history.Sym) { s[y/64] |= 1 << (y % 64) }

// symSetOf returns m's set for k, adding an empty one sized for h when m
// has none.
func symSetOf[K comparable](h *history.History, m map[K]symSet, k K) symSet {
	s, ok := m[k]
	if !ok {
		s = newSymSet(h)
		m[k] = s
	}
	return s
}

// symIndex maps the symbols of one history to record indexes: slot y
// holds 1 + the index recorded for symbol y, 0 for none (a history's
// records, 96 bytes each, number far fewer than 2^31).
type symIndex []int32

// newSymIndex returns an empty index sized for every symbol of h.
func newSymIndex(h *history.History) symIndex { return make(symIndex, h.Symbols()) }

// get returns the index recorded for y; ok is false when there is none.
func (x symIndex) get(y history.Sym) (int, bool) {
	if int(y) >= len(x) || x[y] == 0 {
		return 0, false
	}
	return int(x[y]) - 1, true
}

// set records index i for y.
func (x symIndex) set(y history.Sym, i int) { x[y] = int32(i + 1) }
