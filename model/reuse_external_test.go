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
// logs and delivery counts) or whose every record or event is (members'
// batch arrays, the event store's stream chunks) records the history and
// verdicts it records on fresh memory; the replicated scenarios, those
// whose groups count deliveries, those whose members fetch and those
// with an event store did take stocked arrays of each kind.
func TestRunOnPoisonedStocksEqualsFreshRun(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		all = all[:len(all)/8]
	}
	defer model.DrainStocks()
	var tookLogs, tookCounts, tookRecords, tookEvents, replicated int
	for _, s := range all {
		model.DrainStocks()
		fresh := runJSONL(t, s, s.Seed)
		used := model.PoisonStocks(48)
		got := runJSONL(t, s, s.Seed)
		if !bytes.Equal(got, fresh) {
			t.Errorf("%s: a run on poisoned released arrays differs from a fresh run (%d and %d bytes)", s.Name, len(got), len(fresh))
			continue
		}
		logs, counts, records, events := used()
		if events > 0 {
			tookEvents++
		}
		if logs > 0 {
			tookLogs++
		}
		if records > 0 {
			tookRecords++
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
	if tookLogs == 0 || tookCounts == 0 || tookRecords == 0 || tookEvents == 0 || !testing.Short() && replicated == 0 {
		t.Fatalf("runs took stocked logs in %d scenarios, delivery counts in %d, batch arrays in %d, stream chunks in %d, %d replicated: the test judged nothing",
			tookLogs, tookCounts, tookRecords, tookEvents, replicated)
	}
	t.Logf("%d scenarios: stocked logs taken in %d, delivery counts in %d, batch arrays in %d, stream chunks in %d, %d replicated",
		len(all), tookLogs, tookCounts, tookRecords, tookEvents, replicated)
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

// TestFetchReuseChangesNoRun: every built-in scenario whose consumers
// fetch, with its faults (members crashing mid-batch, rebalances, a
// network that drops and delays), records the same history and verdicts
// when its members reuse their fetches, each request poisoned as soon as
// its answer comes back and each answer poisoned once handled, as when
// every fetch is a new message: no fetch is reused while the broker or
// the member still reads it. Some of the runs crash a member.
func TestFetchReuseChangesNoRun(t *testing.T) {
	consumers, seeds := consumerScenarios(t)
	defer model.SetFreeListsOff(false)
	defer model.SetPoisonFetches(false)
	n, crashed := 0, 0
	for _, s := range consumers {
		n++
		for _, seed := range seeds {
			model.SetFreeListsOff(false)
			model.SetPoisonFetches(true)
			reused := runJSONL(t, s, seed)
			model.SetPoisonFetches(false)
			model.SetFreeListsOff(true)
			fresh := runJSONL(t, s, seed)
			if !bytes.Equal(reused, fresh) {
				t.Errorf("%s seed %d: the run reusing fetches differs from the run without (%d and %d bytes)", s.Name, seed, len(reused), len(fresh))
			}
			for _, line := range bytes.Split(fresh, []byte("\n")) {
				if bytes.Contains(line, []byte(`"kind":"crash"`)) && bytes.Contains(line, []byte(`"group":`)) {
					crashed++ // a member crashed
					break
				}
			}
		}
	}
	if n == 0 || crashed == 0 {
		t.Fatalf("%d scenarios with consumers, %d runs with a crash: the test judged nothing", n, crashed)
	}
	t.Logf("%d scenarios with consumers at %d seeds, %d runs with a crash", n, len(seeds), crashed)
}

// consumerScenarios returns the built-in scenarios whose consumers fetch
// and the seeds to run each at (one with -short).
func consumerScenarios(t *testing.T) ([]*scenarios.Scenario, []uint64) {
	t.Helper()
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	var consumers []*scenarios.Scenario
	for _, s := range all {
		if len(s.System.Consumers) > 0 {
			consumers = append(consumers, s)
		}
	}
	seeds := []uint64{1, 7}
	if testing.Short() {
		seeds = seeds[:1]
	}
	return consumers, seeds
}
