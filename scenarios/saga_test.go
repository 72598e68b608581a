package scenarios

import (
	"strings"
	"testing"

	"evsim/checks"
)

// sagaChecks are the checks that tell saga-race from its fixed twin
// saga-optimistic (P3).
var sagaChecks = []string{"saga-single-instance", "saga-outcome"}

// TestSagaRaceAtItsSeed runs the P3 pair at the pinned seed: the broken
// saga violates both saga checks with a witness and an explanation; the
// optimistic twin holds them, drains, and shows its version check at
// work (conflicts retried).
func TestSagaRaceAtItsSeed(t *testing.T) {
	for _, name := range []string{"saga-race", "saga-optimistic"} {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Met() {
			t.Errorf("%s seed %d: %v", name, s.Seed, o.Failures)
		}
		if !o.Drained {
			t.Errorf("%s: did not drain", name)
		}
		for _, c := range sagaChecks {
			want := checks.Holds
			if name == "saga-race" {
				want = checks.Violated
			}
			if got := verdict(o, c); got != want {
				t.Errorf("%s: %s is %s, want %s", name, c, got, want)
			}
		}
		for _, r := range o.Results {
			if r.Verdict == checks.Violated && (len(r.Witness) == 0 || r.Explanation == "") {
				t.Errorf("%s: %s violated without a witness or an explanation", name, r.Check)
			}
		}
		if name == "saga-optimistic" {
			var explained bool
			for _, r := range o.Results {
				explained = explained || r.Check == "saga-single-instance" && strings.Contains(r.Explanation, "rejected by the version check")
			}
			if !explained {
				t.Errorf("%s: no write was rejected by the version check: the twin does not exercise the race", name)
			}
		}
		o.Release()
	}
}

// TestSagaRaceSeeds runs the broken saga over 20 seeds (both saga checks
// must be violated at most of them) and the optimistic twin over 200
// (every expectation met at each).
func TestSagaRaceSeeds(t *testing.T) {
	all := builtins(t)
	t.Run("saga-race", func(t *testing.T) {
		t.Parallel()
		s := all["saga-race"]
		const seeds = 20
		missed := runSeeds(t, s, seeds, func(o *Outcome) bool {
			for _, c := range sagaChecks {
				if verdict(o, c) != checks.Violated {
					return false
				}
			}
			return true
		})
		if len(missed) > seeds/2 {
			t.Fatalf("missed at %d of %d seeds; first: %s", len(missed), seeds, missed[0])
		}
	})
	t.Run("saga-optimistic", func(t *testing.T) {
		t.Parallel()
		s := all["saga-optimistic"]
		fails := runSeeds(t, s, TwinSeeds, func(o *Outcome) bool { return o.Met() && o.Drained })
		if len(fails) > 0 {
			t.Fatalf("%d of %d seeds failed; first: %s", len(fails), TwinSeeds, fails[0])
		}
	})
}
