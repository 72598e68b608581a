package checks

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
)

// TestSymTablesAgreeWithMaps: a symSet, a symIndex and a symTable, drawn
// sets and lookups over symbols spread across many pages (and the last
// symbol of a page, the first of the next), answer as a map does; nil
// ones are empty.
func TestSymTablesAgreeWithMaps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sym := rapid.Custom(func(t *rapid.T) history.Sym {
			page := rapid.IntRange(0, 40).Draw(t, "page")
			off := rapid.SampledFrom([]int{0, 1, 63, 64, 1<<symPageBits - 1}).Draw(t, "offset")
			return history.Sym(page<<symPageBits + off)
		})
		var s symSet
		var x symIndex
		var v symTable[int64]
		inSet, index, value := map[history.Sym]bool{}, map[history.Sym]int{}, map[history.Sym]int64{}
		for range rapid.IntRange(0, 60).Draw(t, "steps") {
			y := sym.Draw(t, "y")
			switch rapid.IntRange(0, 2).Draw(t, "op") {
			case 0:
				s.add(y)
				inSet[y] = true
			case 1:
				i := rapid.IntRange(0, 1<<20).Draw(t, "index")
				x.set(y, i)
				index[y] = i
			case 2:
				n := rapid.Int64().Draw(t, "value")
				v.set(y, n)
				value[y] = n
			}
			q := sym.Draw(t, "query")
			if s.has(q) != inSet[q] {
				t.Fatalf("symSet has(%d) = %v, want %v", q, s.has(q), inSet[q])
			}
			i, ok := x.get(q)
			if want, wantOK := index[q]; ok != wantOK || i != want {
				t.Fatalf("symIndex get(%d) = %d, %v; want %d, %v", q, i, ok, want, wantOK)
			}
			if got := v.get(q); got != value[q] {
				t.Fatalf("symTable get(%d) = %d, want %d", q, got, value[q])
			}
		}
		if (*symSet)(nil).has(1) {
			t.Fatalf("a nil symSet holds a symbol")
		}
		if _, ok := (*symIndex)(nil).get(1); ok {
			t.Fatalf("a nil symIndex found an index")
		}
	})
}

// TestSymTablesCostWhatTheyHold: a thousand indexes and sets, each
// holding one symbol near the end of a table of a million symbols, as a
// check keeps one per group of a history with a thousand groups, hold one
// page each and a slice of page pointers, not a million slots each.
func TestSymTablesCostWhatTheyHold(t *testing.T) {
	const symbols, tables = 1 << 20, 1000
	var bytes int
	for i := range tables {
		y := history.Sym(symbols - 1 - i)
		var x symIndex
		x.set(y, i)
		var s symSet
		s.add(y)
		pages := 0
		for _, p := range x.slots.pages {
			if p != nil {
				pages++
			}
		}
		for _, p := range s.pages {
			if p != nil {
				pages++
			}
		}
		if pages != 2 {
			t.Fatalf("an index and a set holding one symbol each have %d pages, want 1 each", pages)
		}
		bytes += (cap(x.slots.pages)+cap(s.pages))*8 + len(x.slots.pages[0])*4 + len(s.pages[0])*8
	}
	if per := bytes / tables; per > 24<<10 {
		t.Errorf("%d bytes per one-symbol index and set in a table of %d symbols; dense ones would take %d", per, symbols, symbols*4+symbols/8)
	}
}

// TestPartSlotsKeepEachPartitionApart checks that a partSlots keeps one
// value per partition number, small ones in its slice and negative or
// huge ones (a hand-written history may hold them) in its map, and
// returns the zero value for a partition never set.
func TestPartSlotsKeepEachPartitionApart(t *testing.T) {
	var s partSlots[int]
	parts := []int32{3, 0, -1, partMax - 1, partMax, 1 << 30, -1 << 31}
	for i, p := range parts {
		if got := *s.slot(p); got != 0 {
			t.Fatalf("partition %d holds %d before it was set", p, got)
		}
		*s.slot(p) = i + 1
	}
	for i, p := range parts {
		if got := s.get(p); got != i+1 {
			t.Errorf("partition %d holds %d, want %d", p, got, i+1)
		}
		if got := *s.slot(p); got != i+1 {
			t.Errorf("partition %d's slot holds %d, want %d", p, got, i+1)
		}
	}
	for _, p := range []int32{7, partMax + 1, -2} {
		if got := s.get(p); got != 0 {
			t.Errorf("partition %d, never set, holds %d", p, got)
		}
	}
	if len(s.small) > partMax || len(s.other) != 4 {
		t.Errorf("%d slots in the slice and %d in the map, want at most %d and 4", len(s.small), len(s.other), partMax)
	}
}
