package model

import (
	"math"
	"strconv"
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
