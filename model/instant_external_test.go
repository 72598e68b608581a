package model_test

import (
	"bytes"
	"testing"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// TestInstantBatchesChangeNoRun: every built-in scenario whose consumers
// fetch, with its faults (crashes mid-batch, rebalances, stalls, poison
// records, dedup steps, fencing), records the same history and verdicts
// with the members' instant path as without it, at two seeds; the path
// ran in some of the runs and was refused in others.
func TestInstantBatchesChangeNoRun(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	seeds := []uint64{1, 7}
	if testing.Short() {
		seeds = seeds[:1]
	}
	defer model.SetInstantOff(false)
	took, refused := 0, 0
	for _, s := range all {
		if len(s.System.Consumers) == 0 {
			continue
		}
		for _, seed := range seeds {
			model.SetInstantOff(false)
			before := model.InstantBatches()
			instant := runJSONL(t, s, seed)
			if model.InstantBatches() > before {
				took++
			} else {
				refused++
			}
			model.SetInstantOff(true)
			general := runJSONL(t, s, seed)
			if !bytes.Equal(instant, general) {
				t.Errorf("%s seed %d: the run with the instant path differs from the run without (%d and %d bytes)", s.Name, seed, len(instant), len(general))
			}
		}
	}
	if took == 0 || refused == 0 {
		t.Fatalf("%d runs took the instant path, %d did not: the test judged nothing", took, refused)
	}
	t.Logf("%d runs took the instant path, %d did not", took, refused)
}
