package model_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// runJSONL runs s at seed and returns its history as JSON Lines, its
// verdicts after it.
func runJSONL(t *testing.T, s *scenarios.Scenario, seed uint64) []byte {
	t.Helper()
	o, err := s.Run(seed)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := o.History.WriteJSONL(&b); err != nil {
		t.Fatal(err)
	}
	for _, r := range o.Results {
		b.WriteString(r.Check + " " + string(r.Verdict) + " " + r.Explanation + "\n")
	}
	o.Release()
	return b.Bytes()
}

// TestRunOnPoisonedStocksEqualsFreshRun: every built-in scenario run on
// stocked arrays whose every byte is garbage (partition logs, replicas'
// logs and delivery counts) records the history and verdicts it records
// on fresh memory; the replicated scenarios, and those whose groups count
// deliveries, did take stocked arrays of each kind.
func TestRunOnPoisonedStocksEqualsFreshRun(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		all = all[:len(all)/8]
	}
	defer model.DrainStocks()
	var tookLogs, tookCounts, replicated int
	for _, s := range all {
		model.DrainStocks()
		fresh := runJSONL(t, s, s.Seed)
		used := model.PoisonStocks(48)
		got := runJSONL(t, s, s.Seed)
		if !bytes.Equal(got, fresh) {
			t.Errorf("%s: a run on poisoned released arrays differs from a fresh run (%d and %d bytes)", s.Name, len(got), len(fresh))
			continue
		}
		logs, counts := used()
		if logs > 0 {
			tookLogs++
		}
		if counts > 0 {
			tookCounts++
		}
		if slices.ContainsFunc(s.System.Topics, func(c model.TopicConfig) bool { return c.ReplicationFactor > 1 }) {
			replicated++
			if logs == 0 {
				t.Errorf("%s: a replicated run took no stocked log array", s.Name)
			}
		}
	}
	if tookLogs == 0 || tookCounts == 0 || !testing.Short() && replicated == 0 {
		t.Fatalf("runs took stocked logs in %d scenarios, delivery counts in %d, %d replicated: the test judged nothing",
			tookLogs, tookCounts, replicated)
	}
	t.Logf("%d scenarios: stocked logs taken in %d, delivery counts in %d, %d replicated", len(all), tookLogs, tookCounts, replicated)
}

// TestFreeListsChangeNoRun: every built-in event-sourced scenario, with
// its faults (lost answers, crashes of sessions and projectors, rolled
// back appends, a network that drops and delays), records the same
// history and verdicts with the free lists of its messages as without
// them, at several seeds: no message goes back to its free list while a
// holder still reads it.
func TestFreeListsChangeNoRun(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{1, 2, 3, 7, 11, 42}
	if testing.Short() {
		seeds = seeds[:2]
	}
	defer model.SetFreeListsOff(false)
	n := 0
	for _, s := range all {
		if !s.ES.Enabled() {
			continue
		}
		n++
		for _, seed := range seeds {
			model.SetFreeListsOff(false)
			pooled := runJSONL(t, s, seed)
			again := runJSONL(t, s, seed)
			model.SetFreeListsOff(true)
			fresh := runJSONL(t, s, seed)
			if !bytes.Equal(pooled, again) {
				t.Errorf("%s seed %d: two runs with free lists differ", s.Name, seed)
			}
			if !bytes.Equal(pooled, fresh) {
				t.Errorf("%s seed %d: the run with free lists differs from the run without (%d and %d bytes)", s.Name, seed, len(pooled), len(fresh))
			}
		}
	}
	if n == 0 {
		t.Fatal("no event-sourced scenario")
	}
	t.Logf("%d event-sourced scenarios at %d seeds", n, len(seeds))
}
