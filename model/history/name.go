package history

import "sync/atomic"

// Name is a string a recorder puts in many records (a node's, a group's,
// a topic's name) with its symbol in the history that last recorded it,
// so that recording it again costs no lookup ([History.PutStamped]). The
// symbol is remembered with the history and the generation of its symbol
// table: a history's table takes a new generation when it is emptied
// ([History.Reset], [History.Close]), so that a symbol of an earlier
// table, or of another history, is never used; the name is then
// interned again. The zero Name is the empty string.
type Name struct {
	s   string
	h   *History
	gen uint64
	y   Sym
}

// NewName returns the Name of s.
func NewName(s string) Name { return Name{s: s} }

// String returns the name's string.
func (n *Name) String() string {
	if n == nil {
		return ""
	}
	return n.s
}

// symGens numbers the generations of every symbol table, so that no two
// tables (of two histories, or one history before and after a Reset)
// share one.
var symGens atomic.Uint64

// nameSym returns the symbol of n in h, interning n's string the first
// time in h's current table. A nil n is the empty string.
func (h *History) nameSym(n *Name) Sym {
	if n != nil && n.h == h && n.gen == h.syms.gen { // n.gen is never 0: see internName
		return n.y
	}
	return h.internName(n)
}

// internName is nameSym when n holds no symbol of h's current table.
func (h *History) internName(n *Name) Sym {
	if n == nil {
		return 0
	}
	t := &h.syms
	y := t.intern(n.s)
	if t.gen == 0 {
		t.gen = symGens.Add(1)
	}
	n.h, n.gen, n.y = h, t.gen, y
	return y
}
