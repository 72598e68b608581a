package main

import (
	"testing"
	"time"
)

// TestFeedEndsOnTheCheapestRuns: the feed hands out one run of each
// scenario in order, then the seeds of the scenario whose runs took
// longest, counts a scenario with no finished run as the costliest, and
// hands out every (scenario, seed) cell exactly once.
func TestFeedEndsOnTheCheapestRuns(t *testing.T) {
	f := newFeed(3, 4)
	type cell struct{ sc, seed int }
	var got []cell
	pick := func() cell {
		sc, seed, ok := f.pick()
		if !ok {
			t.Fatalf("feed ran out after %v", got)
		}
		got = append(got, cell{sc, seed})
		return cell{sc, seed}
	}
	for i := range 3 {
		if c := pick(); c != (cell{i, 0}) {
			t.Fatalf("probe %d: got %v, want scenario %d seed 0", i, c, i)
		}
	}
	f.done(0, 1*time.Millisecond)
	f.done(2, 9*time.Millisecond)
	if c := pick(); c.sc != 1 { // scenario 1's first run is still going
		t.Fatalf("with scenario 1 unfinished, got %v", c)
	}
	f.done(1, 5*time.Millisecond)
	f.done(1, 5*time.Millisecond)
	want := []int{2, 2, 2, 1, 1, 0, 0, 0}
	for i, sc := range want {
		if c := pick(); c.sc != sc {
			t.Fatalf("pick %d after the probes: got %v, want scenario %d (all: %v)", i, c, sc, got)
		}
	}
	if sc, seed, ok := f.pick(); ok {
		t.Fatalf("a 13th cell of 12: %d %d", sc, seed)
	}
	seen := map[cell]bool{}
	for _, c := range got {
		if seen[c] || c.seed >= 4 {
			t.Fatalf("cell %v twice or out of range: %v", c, got)
		}
		seen[c] = true
	}
	if _, _, ok := newFeed(2, 0).pick(); ok {
		t.Error("a feed with no seeds handed out a run")
	}
}
