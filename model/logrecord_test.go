package model

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestNameNumberSpellsTheDecimal: an id spelled in the table is the name,
// a dash and the decimal number, for numbers of every length and sign,
// and each keeps its spelling as more are spelled after it.
func TestNameNumberSpellsTheDecimal(t *testing.T) {
	var st strTab
	ns := []int64{0, 1, 9, 10, 11, 99, 100, 12345, math.MaxInt64, -1, -10, math.MinInt64}
	for n := int64(1); n < 3000; n += 7 {
		ns = append(ns, n)
	}
	var got []string
	for _, n := range ns {
		got = append(got, st.nameNumber("producer-1", n))
	}
	for i, n := range ns {
		if want := "producer-1-" + strconv.FormatInt(n, 10); got[i] != want {
			t.Errorf("nameNumber(%d) = %q, want %q", n, got[i], want)
		}
	}
}

// TestIDSpellerSpellsTheDecimal: the ids a producer spells by carrying
// the last one's digits are name-n for every n, across a number that
// gains a digit, a jump and a name that ends in digits, and each keeps
// its spelling as more are spelled after it (in the same blocks as other
// strings).
func TestIDSpellerSpellsTheDecimal(t *testing.T) {
	var st strTab
	for _, name := range []string{"p", "producer-9", "x-99"} {
		var sp idSpeller
		var ns []int64
		for n := int64(1); n <= 1200; n++ {
			ns = append(ns, n)
		}
		ns = append(ns, 99_999, 100_000, 100_001, 5, 6, 999_999_999, 1_000_000_000)
		var got []string
		for _, n := range ns {
			got = append(got, sp.spell(&st, name, n))
			st.put(strconv.Itoa(int(n))) // other strings between the ids
		}
		for i, n := range ns {
			if want := name + "-" + strconv.FormatInt(n, 10); got[i] != want {
				t.Errorf("spell(%q, %d) = %q, want %q", name, n, got[i], want)
			}
		}
	}
}

// TestStrTabAcrossGrowingBlocks: strings stored in a table whose blocks
// grow from small to full size, short and up to strLongMax long, each
// read back from its place as stored, and no block is larger than a
// place can address.
func TestStrTabAcrossGrowingBlocks(t *testing.T) {
	var st strTab
	var refs []strRef
	var want []string
	for i := range 20000 {
		s := "key-" + strconv.Itoa(i)
		if i%997 == 0 {
			s = strings.Repeat(strconv.Itoa(i%10), strLongMax-i%3)
		}
		refs = append(refs, st.put(s))
		want = append(want, s)
	}
	if len(st.blocks) < 6 {
		t.Fatalf("%d blocks: the test did not reach full-size blocks", len(st.blocks))
	}
	for i, b := range st.blocks {
		if cap(b) > strBlockSize {
			t.Errorf("block %d holds %d bytes, more than %d", i, cap(b), strBlockSize)
		}
	}
	for i, ref := range refs {
		if got := st.str(ref); got != want[i] {
			t.Fatalf("string %d reads back as %q, want %q", i, got, want[i])
		}
	}
}
