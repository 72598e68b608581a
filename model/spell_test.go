package model

import (
	"strconv"
	"strings"
	"testing"
)

// TestNumberedSpellsAsConcatenation checks that numbered spells name +
// sep + n as the concatenation with strconv.Itoa does, at every digit
// count and for a negative number.
func TestNumberedSpellsAsConcatenation(t *testing.T) {
	var ib idBlock
	for _, n := range []int{0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 123456789, 1<<62 + 7, -1, -42} {
		for _, c := range [][2]string{{"client-1", "-c"}, {"client-1-c7", "/e"}, {"acct-", ""}, {"", ""}} {
			if got, want := numbered(c[0], c[1], n), c[0]+c[1]+strconv.Itoa(n); got != want {
				t.Errorf("numbered(%q, %q, %d) = %q, want %q", c[0], c[1], n, got, want)
			}
			if got, want := ib.numbered(c[0], c[1], n), c[0]+c[1]+strconv.Itoa(n); got != want {
				t.Errorf("idBlock.numbered(%q, %q, %d) = %q, want %q", c[0], c[1], n, got, want)
			}
		}
	}
}

// TestSessionKeyNameKeepsSpelling checks that a session names key i
// prefix + i, the same string at each draw, also past the keys it keeps.
func TestSessionKeyNameKeepsSpelling(t *testing.T) {
	for _, keys := range []int{3, sessionKeysMax + 5, 7} {
		s := &Session{cfg: ClientConfig{Prefix: "acct-", Keys: keys}}
		if keys == 7 {
			s.env = &esEnv{} // spelled in the environment's blocks
		}
		for _, i := range []int{0, 2, keys - 1, 2} {
			if got, want := s.keyName(i), "acct-"+strconv.Itoa(i); got != want {
				t.Errorf("keys %d: keyName(%d) = %q, want %q", keys, i, got, want)
			}
		}
	}
}

// TestIDBlockKeepsEarlierIDs checks that the ids an idBlock spells keep
// their spelling while it spells thousands more, across blocks, and that
// a long name is spelled apart.
func TestIDBlockKeepsEarlierIDs(t *testing.T) {
	var ib idBlock
	long := strings.Repeat("x", idBlockSize)
	var ids, want []string
	for i := range 5000 {
		name := "client-" + strconv.Itoa(i%7)
		if i%1000 == 999 {
			name = long
		}
		ids = append(ids, ib.numbered(name, "-c", i))
		want = append(want, name+"-c"+strconv.Itoa(i))
	}
	for i := range ids {
		if ids[i] != want[i] {
			t.Fatalf("id %d is %q, want %q", i, ids[i], want[i])
		}
	}
}
