package model_test

import (
	"bytes"
	"testing"

	"github.com/evsim/evsim/model"
)

// TestInstantBatchesChangeNoRun: every built-in scenario whose consumers
// fetch, with its faults (crashes mid-batch, rebalances, stalls, poison
// records, dedup steps, fencing), records the same history and verdicts
// with the members' instant path as without it, at two seeds; the path
// ran in some of the runs and was refused in others.
func TestInstantBatchesChangeNoRun(t *testing.T) {
	consumers, seeds := consumerScenarios(t)
	defer model.SetInstantOff(false)
	took, refused := 0, 0
	for _, s := range consumers {
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
