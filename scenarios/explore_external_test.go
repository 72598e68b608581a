package scenarios_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// TestExploreShrinksDoubleCredit: explore finds a plan that double-credits
// and shrinks it to the one crash that tells the story, and the reproducer
// it writes replays the violation and meets its own expectations.
func TestExploreShrinksDoubleCredit(t *testing.T) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Explore(scenarios.Exploration{Runs: 50, Seed: 3, Checks: []string{"exactly-once-effects"}})
	if err != nil || f == nil {
		t.Fatalf("explore: %v, %v", f, err)
	}
	want := faults.CrashNth{Target: "ledger", Point: model.PointAfterEffect, Nth: 1, RestartAfter: f.Plan[0].RestartAfter}
	if len(f.Plan) != 1 || f.Plan[0] != want {
		t.Fatalf("shrunk to %v, want [%v] (drawn %v)", f.Plan, want, f.Drawn)
	}
	src, err := s.Reproducer(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scenarios.Parse("explored.yaml", src)
	if err != nil {
		t.Fatalf("reproducer does not parse: %v\n%s", err, src)
	}
	if r.Name != "double-credit-explored" || len(r.Faults.Faults) != 1 {
		t.Fatalf("reproducer %s with faults %v", r.Name, r.Faults.Faults)
	}
	o, err := r.Run(r.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Met() || o.Checksum != f.Outcome.Checksum {
		t.Fatalf("reproducer: met=%v %v, checksum %x want %x", o.Met(), o.Failures, o.Checksum, f.Outcome.Checksum)
	}
	for _, res := range o.Results {
		if res.Check == "exactly-once-effects" && res.Verdict != checks.Violated {
			t.Fatalf("reproducer does not reproduce: %s", res.Verdict)
		}
	}
}

// TestExploreFindsNothingInTheFix: the same search over the fixed twin
// breaks nothing.
func TestExploreFindsNothingInTheFix(t *testing.T) {
	s, err := scenarios.Builtin("idempotent-consumer")
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Explore(scenarios.Exploration{Runs: 50, Seed: 3})
	if err != nil || f != nil {
		t.Fatalf("explore of the fix: %+v, %v", f, err)
	}
}

func TestExploreNeedsCrashFaults(t *testing.T) {
	s, err := scenarios.Builtin("fan-out")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Explore(scenarios.Exploration{Runs: 1}); !errors.Is(err, scenarios.ErrNoCrashFaults) {
		t.Fatalf("got %v, want ErrNoCrashFaults", err)
	}
}

// TestRunRejectsUnknownChecks: a scenario built in Go with a typo in its
// checks gets an error, not a panic.
func TestRunRejectsUnknownChecks(t *testing.T) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	bad := *s
	bad.Checks = []string{"exactly-once-efects"}
	if _, err := bad.Run(1); err == nil || !strings.Contains(err.Error(), `unknown check "exactly-once-efects"`) {
		t.Fatalf("got %v", err)
	}
}

// TestExploreKeepsOtherFaults: a plan replaces the crashes by chance, and
// only them: the scenario's pause strikes in every run and stays in the
// reproducer.
func TestExploreKeepsOtherFaults(t *testing.T) {
	b, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b.Source), "faults:\n", "faults:\n  - pause: ledger\n    for: 50ms\n    at: 1s\n", 1)
	s, err := scenarios.Parse("paused-double-credit.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Explore(scenarios.Exploration{Runs: 50, Seed: 3, Checks: []string{"exactly-once-effects"}})
	if err != nil || f == nil {
		t.Fatalf("explore: %v, %v", f, err)
	}
	if got := s.WithPlan(f.Plan).Faults.Faults; len(got) != 1+len(f.Plan) {
		t.Fatalf("the plan's run has faults %v, want the pause and %v", got, f.Plan)
	}
	repro, err := s.Reproducer(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scenarios.Parse("explored.yaml", repro)
	if err != nil {
		t.Fatalf("reproducer does not parse: %v\n%s", err, repro)
	}
	if len(r.Faults.Faults) != 1+len(f.Plan) || !strings.Contains(string(repro), "pause: ledger") {
		t.Fatalf("reproducer faults %v:\n%s", r.Faults.Faults, repro)
	}
	o, err := r.Run(r.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if o.Checksum != f.Outcome.Checksum {
		t.Fatalf("the reproducer ran differently: checksum %x, want %x", o.Checksum, f.Outcome.Checksum)
	}
}

// TestExploreHoldsItsBounds: every run of an exploration is held to its
// bounds, the defaults when it gives none.
func TestExploreHoldsItsBounds(t *testing.T) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	b := scenarios.Bounds{Events: 40_000_000, HistoryBytes: 1 << 30}
	f, err := s.Explore(scenarios.Exploration{Runs: 20, Seed: 3, Checks: []string{"exactly-once-effects"}, Bounds: b})
	if err != nil || f == nil || f.Outcome.Bounds != b {
		t.Fatalf("explore within %+v: %+v, %v", b, f, err)
	}
	f, err = s.Explore(scenarios.Exploration{Runs: 20, Seed: 3, Checks: []string{"exactly-once-effects"}})
	if err != nil || f == nil || f.Outcome.Bounds != scenarios.DefaultBounds {
		t.Fatalf("explore on the defaults: %+v, %v", f, err)
	}
	// Under a bound every run hits, the runs halt and say so (the
	// world looks at its bounds every few thousand events).
	b = scenarios.Bounds{Events: 10}
	f, err = s.Explore(scenarios.Exploration{Runs: 3, Seed: 3, Checks: []string{"exactly-once-effects"}, Bounds: b})
	if err != nil || f == nil || !f.Outcome.Bounded {
		t.Fatalf("explore within %+v: %+v, %v", b, f, err)
	}
}
