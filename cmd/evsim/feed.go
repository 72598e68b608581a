package main

import (
	"math"
	"sync"
	"time"
)

// feed decides which run of a sweep a worker starts next, so that the
// sweep ends on its cheapest runs: a sweep takes as long as its slowest
// worker, and a costly run started last keeps one worker busy while the
// others wait. It first hands out one run of each scenario, in order,
// then the next seed of the scenario whose finished runs took longest on
// average (a scenario with none finished yet counts as the costliest: its
// first run is still going). The order changes no result: a sweep's
// summary counts its runs whatever order they finish in, and the times it
// orders by are never written anywhere.
type feed struct {
	mu    sync.Mutex
	seeds int
	next  []int           // per scenario, the index of its next seed
	took  []time.Duration // per scenario, the time its finished runs took
	runs  []int           // per scenario, its finished runs
	first int             // scenarios before this have had their first run handed out
}

// newFeed returns the feed of a sweep of n scenarios, seeds seeds each.
func newFeed(n, seeds int) *feed {
	return &feed{seeds: seeds, next: make([]int, n), took: make([]time.Duration, n), runs: make([]int, n)}
}

// pick returns the scenario and seed index of the next run; ok is false
// when every run has been handed out.
func (f *feed) pick() (sc, seed int, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seeds == 0 {
		return 0, 0, false
	}
	if f.first < len(f.next) {
		sc = f.first
		f.first++
	} else {
		sc = -1
		best := -1.0
		for i, n := range f.next {
			if n == f.seeds {
				continue
			}
			mean := math.Inf(1)
			if f.runs[i] > 0 {
				mean = float64(f.took[i]) / float64(f.runs[i])
			}
			if mean > best {
				sc, best = i, mean
			}
		}
		if sc < 0 {
			return 0, 0, false
		}
	}
	seed = f.next[sc]
	f.next[sc]++
	return sc, seed, true
}

// done counts a finished run of scenario sc that took d.
func (f *feed) done(sc int, d time.Duration) {
	f.mu.Lock()
	f.took[sc] += d
	f.runs[sc]++
	f.mu.Unlock()
}
