package main

import (
	"sync"
	"testing"
	"time"

	"github.com/evsim/evsim/scenarios"
)

// TestInterruptedSweepMarksOnlyCutScenarios: Ctrl-C during a sweep whose
// feed has run every seed of its second scenario (the costlier) but not
// of its first emits both summaries, the first marked interrupted with
// the run it finished and the second, whole, not marked.
func TestInterruptedSweepMarksOnlyCutScenarios(t *testing.T) {
	list, err := load([]string{"double-credit", "idempotent-consumer"})
	if err != nil {
		t.Fatal(err)
	}
	intr := &interrupt{stop: make(chan struct{})}
	var once sync.Once
	picks := 0
	testHookPicked = func(sc, seed int) {
		picks++ // one worker: no race
		if sc == 1 {
			time.Sleep(300 * time.Millisecond) // the costlier scenario: the feed runs its second seed next
		}
		if picks == 3 {
			once.Do(func() { close(intr.stop) }) // Ctrl-C as the third run starts
		}
	}
	defer func() { testHookPicked = nil }()
	got := map[string]*sweepLine{}
	err = sweepAll(list, []uint64{1, 2}, 1, scenarios.DefaultBounds, nil, false, intr, func(s *scenarios.Scenario, sum *sweepLine) error {
		got[s.Name] = sum
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cut, whole := got["double-credit"], got["idempotent-consumer"]
	if cut == nil || whole == nil {
		t.Fatalf("emitted %v, want both scenarios", got)
	}
	if cut.Runs != 1 || !cut.Interrupted {
		t.Errorf("the scenario cut short: %d runs, interrupted %v; want 1 run, interrupted", cut.Runs, cut.Interrupted)
	}
	if whole.Runs != 2 || whole.Interrupted {
		t.Errorf("the scenario whose runs all finished: %d runs, interrupted %v; want 2 runs, not interrupted", whole.Runs, whole.Interrupted)
	}
}

// TestFeedConcurrentEveryCellOnce: workers picking from one feed at once,
// each counting its runs done with varied times, are handed every
// (scenario, seed) cell exactly once between them.
func TestFeedConcurrentEveryCellOnce(t *testing.T) {
	const scs, seeds, workers = 7, 23, 4
	f := newFeed(scs, seeds)
	var mu sync.Mutex
	seen := map[[2]int]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := 0; ; k++ {
				sc, seed, ok := f.pick()
				if !ok {
					return
				}
				mu.Lock()
				seen[[2]int{sc, seed}]++
				mu.Unlock()
				f.done(sc, time.Duration((sc*7+w+k)%13)*time.Millisecond)
			}
		})
	}
	wg.Wait()
	for sc := range scs {
		for seed := range seeds {
			if n := seen[[2]int{sc, seed}]; n != 1 {
				t.Errorf("cell (%d, %d) handed out %d times", sc, seed, n)
			}
		}
	}
	if len(seen) != scs*seeds {
		t.Errorf("%d cells handed out, want %d", len(seen), scs*seeds)
	}
}
