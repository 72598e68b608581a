package scenarios_test

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestSameSeedSameRun: every scenario run twice with one seed, the two runs
// side by side on two goroutines, gives the same checksum, the same
// verdicts and a byte-identical history.
func TestSameSeedSameRun(t *testing.T) {
	for _, s := range allScenarios(t) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			for _, seed := range []uint64{s.Seed, 7} {
				var a, b *scenarios.Outcome
				var wg sync.WaitGroup
				wg.Go(func() { a = run(t, s, seed) })
				wg.Go(func() { b = run(t, s, seed) })
				wg.Wait()
				if a.Checksum != b.Checksum || a.Events != b.Events {
					t.Fatalf("seed %d: checksums %016x and %016x after %d and %d events", seed, a.Checksum, b.Checksum, a.Events, b.Events)
				}
				ja, jb := jsonl(t, a), jsonl(t, b)
				if !bytes.Equal(ja, jb) {
					t.Fatalf("seed %d: same checksum but the histories differ (%d and %d bytes)", seed, len(ja), len(jb))
				}
				back, err := history.ReadJSONL(s.Name, bytes.NewReader(ja))
				if err != nil || !slices.Equal(back.Entries(), a.History.Entries()) {
					t.Fatalf("seed %d: the history does not read back as written: %v", seed, err)
				}
				if fmt.Sprint(a.Results) != fmt.Sprint(b.Results) || a.Drained != b.Drained {
					t.Fatalf("seed %d: verdicts differ:\n%v\n%v", seed, a.Results, b.Results)
				}
				if a.Events == 0 || a.History.Len() == 0 {
					t.Fatalf("seed %d: nothing happened (%d events, %d records)", seed, a.Events, a.History.Len())
				}
			}
		})
	}
}

// TestDifferentSeedsDifferentRuns: seeds 1..5 give pairwise different
// checksums and histories.
func TestDifferentSeedsDifferentRuns(t *testing.T) {
	for _, s := range allScenarios(t) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			sums := map[uint64]int{}
			hists := map[string]int{}
			for seed := 1; seed <= 5; seed++ {
				o := run(t, s, uint64(seed))
				if prev, ok := sums[o.Checksum]; ok {
					t.Errorf("seeds %d and %d give the same checksum %016x", prev, seed, o.Checksum)
				}
				sums[o.Checksum] = seed
				h := string(jsonl(t, o))
				if prev, ok := hists[h]; ok {
					t.Errorf("seeds %d and %d give the same history", prev, seed)
				}
				hists[h] = seed
			}
		})
	}
}

// TestReleasedHistoryIsReusedCleanly: a run that records into a history
// buffer released by another run gives the same history as a fresh one.
func TestReleasedHistoryIsReusedCleanly(t *testing.T) {
	big, err := scenarios.Builtin("fan-out")
	if err != nil {
		t.Fatal(err)
	}
	small, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	want := jsonl(t, run(t, small, 3))
	for range 3 {
		run(t, big, 1).Release()
		o := run(t, small, 3)
		if got := jsonl(t, o); !bytes.Equal(got, want) {
			t.Fatalf("history after reuse differs (%d vs %d bytes)", len(got), len(want))
		}
		o.Release()
		if o.History != nil {
			t.Fatal("Release left the history in place")
		}
	}
}
