package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestSymSetAndIndex: a symSet holds exactly the symbols added, a nil one
// none; a symIndex gives back the index set for a symbol (0 included)
// and nothing for the others, a nil one nothing.
func TestSymSetAndIndex(t *testing.T) {
	h := history.FromEntries([]history.Entry{{Kind: history.Effect, Event: "e1", Group: "g"}, {Kind: history.Effect, Event: "e2", Key: "k"}})
	e1, _ := h.Lookup("e1")
	e2, _ := h.Lookup("e2")
	s := newSymSet(h)
	s.add(e2)
	if s.has(e1) || !s.has(e2) || symSet(nil).has(e2) {
		t.Errorf("symSet: has(e1) %v, has(e2) %v, nil has(e2) %v; want false, true, false", s.has(e1), s.has(e2), symSet(nil).has(e2))
	}
	x := newSymIndex(h)
	x.set(e1, 0)
	if i, ok := x.get(e1); !ok || i != 0 {
		t.Errorf("symIndex get(e1) = %d, %v; want 0, true", i, ok)
	}
	if _, ok := x.get(e2); ok {
		t.Errorf("symIndex get(e2) found an index never set")
	}
	if _, ok := symIndex(nil).get(e1); ok {
		t.Errorf("nil symIndex found an index")
	}
	if last := history.Sym(h.Symbols() - 1); !func() bool { s.add(last); return s.has(last) }() {
		t.Errorf("symSet cannot hold the history's last symbol %d", last)
	}
}
