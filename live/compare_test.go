package live

import (
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// TestCompare: a check differs when a live run reaches another verdict
// than the simulation, and only then; the rows follow the scenario's
// checks and carry its expectations. When the scenario has faults, a run
// in which none struck is set apart: its other verdict is no
// disagreement.
func TestCompare(t *testing.T) {
	s := &scenarios.Scenario{Checks: []string{"a", "b", "c"}, Expect: map[string]checks.Verdict{"a": checks.Violated}}
	sim := []checks.Result{{Check: "a", Verdict: checks.Violated}, {Check: "b", Verdict: checks.Holds}, {Check: "c", Verdict: checks.Holds}}
	run := func(a, b, c checks.Verdict) *Result {
		return &Result{Results: []checks.Result{{Check: "a", Verdict: a}, {Check: "b", Verdict: b}, {Check: "c", Verdict: c}}}
	}
	rows := Compare(s, sim, []*Result{
		run(checks.Violated, checks.Holds, checks.Holds),
		run(checks.Violated, checks.Unknown, checks.Holds),
	})
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	want := []struct {
		check    string
		differs  bool
		expected checks.Verdict
		live     map[checks.Verdict]int
	}{
		{"a", false, checks.Violated, map[checks.Verdict]int{checks.Violated: 2}},
		{"b", true, checks.Holds, map[checks.Verdict]int{checks.Holds: 1, checks.Unknown: 1}},
		{"c", false, checks.Holds, map[checks.Verdict]int{checks.Holds: 2}},
	}
	for i, w := range want {
		r := rows[i]
		if r.Check != w.check || r.Differs != w.differs || r.Expected != w.expected || r.Runs != 2 || len(r.Live) != len(w.live) {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
			continue
		}
		for v, n := range w.live {
			if r.Live[v] != n {
				t.Errorf("%s: %d live runs %s, want %d", r.Check, r.Live[v], v, n)
			}
		}
	}
}

// TestCompareSetsApartRunsWhereNoFaultStruck: with a crash fault, a run
// that struck none and reached another verdict counts as unstruck, not as
// a difference; a run that struck one does differ.
func TestCompareSetsApartRunsWhereNoFaultStruck(t *testing.T) {
	s := mustBuiltin(t, "commit-before-handle")
	sim := []checks.Result{{Check: "no-loss", Verdict: checks.Violated}, {Check: "exactly-once-effects", Verdict: checks.Holds}}
	run := func(noLoss checks.Verdict, struck int) *Result {
		return &Result{Struck: struck, Results: []checks.Result{{Check: "no-loss", Verdict: noLoss}, {Check: "exactly-once-effects", Verdict: checks.Holds}}}
	}
	rows := Compare(s, sim, []*Result{run(checks.Violated, 3), run(checks.Holds, 0)})
	if r := rows[0]; r.Check != "no-loss" || r.Differs || r.Unstruck != 1 {
		t.Errorf("a run with no fault struck: %+v, want no difference and 1 unstruck", r)
	}
	rows = Compare(s, sim, []*Result{run(checks.Violated, 3), run(checks.Holds, 1)})
	if r := rows[0]; !r.Differs || r.Unstruck != 0 {
		t.Errorf("a run with a fault struck: %+v, want a difference", r)
	}
}

// TestLivePairs: the pairs --compare runs by default hold only scenarios
// that run live, the teaching pairs of the tests among them.
func TestLivePairs(t *testing.T) {
	pairs, err := LivePairs()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range pairs {
		for _, n := range append(append([]string(nil), m.Broken...), m.Fixed...) {
			if r := Refusals(mustBuiltin(t, n), Options{}); len(r) > 0 {
				t.Errorf("%s is in a live pair but refused: %v", n, r)
			}
			names = append(names, n)
		}
	}
	t.Logf("%d pairs: %v", len(pairs), names)
	for _, n := range pairNames {
		found := false
		for _, m := range names {
			found = found || m == n
		}
		if !found {
			t.Errorf("%s is in no live pair", n)
		}
	}
}
