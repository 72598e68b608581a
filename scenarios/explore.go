package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
)

// Exploration bounds what [Scenario.Explore] draws: the places the scenario's
// own crash faults name, struck at exact passes instead of by chance.
type Exploration struct {
	// Runs is how many fault plans to try (0: 200).
	Runs int
	// Seed seeds the draws of the plans (the world's seed stays the
	// scenario's, so a plan alone decides the run).
	Seed uint64
	// MaxCrashes bounds the crashes in a plan (0: 4).
	MaxCrashes int
	// MaxHit bounds the pass at which a crash strikes (0: 100).
	MaxHit int
	// Checks are the checks to break; none means every check the scenario
	// expects to hold.
	Checks []string
	// ShrinkRuns bounds the runs spent shrinking a failing plan (0: 400).
	ShrinkRuns int
	// Bounds hold every run of the search and the shrinking (zero:
	// [DefaultBounds]).
	Bounds Bounds
}

// Finding is a fault plan that breaks a check, shrunk as far as the
// shrinker could, with the run it gives.
type Finding struct {
	// Plan is the shrunk plan; Drawn the plan as first drawn.
	Plan, Drawn []faults.CrashNth
	// Run is the index of the draw that failed first (from 0).
	Run int
	// Runs counts every run: the search and the shrinking.
	Runs int
	// Outcome is the run of the shrunk plan.
	Outcome *Outcome
	// Broken are the checks the shrunk plan breaks, of the ones searched.
	Broken []string
}

// slot is one place a crash can strike: a target, a point and the restart
// delay the scenario gives it.
type slot struct {
	target  string
	point   model.CrashPoint
	restart time.Duration
}

// ErrNoCrashFaults is returned by Explore for a scenario without crash
// faults: they define the places to search.
var ErrNoCrashFaults = errors.New("explore needs at least one crash fault in the scenario: its target and point define where to search")

// Explore is swarm testing over the scenario's crash faults: it draws
// plans of exact crashes (up to MaxCrashes, each at a target and point the
// scenario names, at the n-th pass) and runs the scenario with each at its
// own seed. When a plan violates a searched check, Explore shrinks it:
// fewer crashes, earlier passes, earlier places, as long as the same check
// stays violated. It returns nil when no plan broke a check.
func (s *Scenario) Explore(sw Exploration) (*Finding, error) {
	sw.Runs = cmp.Or(sw.Runs, 200)
	sw.MaxCrashes = cmp.Or(sw.MaxCrashes, 4)
	sw.MaxHit = cmp.Or(sw.MaxHit, 100)
	sw.ShrinkRuns = cmp.Or(sw.ShrinkRuns, 400)
	sw.Bounds = cmp.Or(sw.Bounds, DefaultBounds)
	var slots []slot
	for _, f := range s.Faults.Faults {
		switch c := f.(type) {
		case faults.Crash:
			slots = append(slots, slot{c.Target, c.Point, c.RestartAfter})
		case faults.CrashNth:
			slots = append(slots, slot{c.Target, c.Point, c.RestartAfter})
		}
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("%s: %w", s.File, ErrNoCrashFaults)
	}
	targets := sw.Checks
	if len(targets) == 0 {
		for _, c := range s.Checks {
			if v, ok := s.Expect[c]; !ok || v == checks.Holds {
				targets = append(targets, c)
			}
		}
	}
	for _, c := range targets {
		if !slices.Contains(s.Checks, c) {
			return nil, fmt.Errorf("%s: check %q is not among the scenario's checks %v", s.File, c, s.Checks)
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("%s: no check to break: every check is expected to be violated; name one with --check", s.File)
	}
	runs := 0
	broken := func(plan []faults.CrashNth) ([]string, *Outcome, error) {
		runs++
		o, err := s.WithPlan(plan).RunWithin(s.Seed, sw.Bounds)
		if err != nil {
			return nil, nil, err
		}
		var b []string
		for _, r := range o.Results {
			if r.Verdict == checks.Violated && slices.Contains(targets, r.Check) {
				b = append(b, r.Check)
			}
		}
		return b, o, nil
	}
	rng := rand.New(rand.NewPCG(sw.Seed, sw.Seed^0x5eed))
	for i := 0; i < sw.Runs; i++ {
		plan := drawPlan(rng, slots, sw.MaxCrashes, sw.MaxHit)
		b, _, err := broken(plan)
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			continue
		}
		check := b[0]
		still := func(p []faults.CrashNth) bool {
			bb, _, err := broken(p)
			return err == nil && slices.Contains(bb, check)
		}
		small := shrinkPlan(plan, slots, still, runs+sw.ShrinkRuns, &runs)
		b, o, err := broken(small)
		if err != nil {
			return nil, err
		}
		return &Finding{Plan: small, Drawn: plan, Run: i, Runs: runs, Outcome: o, Broken: b}, nil
	}
	return nil, nil
}

// WithPlan returns a copy of s whose faults are exactly plan.
func (s *Scenario) WithPlan(plan []faults.CrashNth) *Scenario {
	c := *s
	c.Faults.Faults = nil
	for _, f := range s.Faults.Faults {
		if !replaced(f) {
			c.Faults.Faults = append(c.Faults.Faults, f)
		}
	}
	for _, f := range plan {
		c.Faults.Faults = append(c.Faults.Faults, f)
	}
	return &c
}

// replaced says whether a plan of exact crashes replaces fault f: a crash
// by chance or at a pass. Every other fault (a crash at a set time, a
// pause, a network partition, a degraded link, churn) stays as it is.
func replaced(f faults.Fault) bool {
	switch f.(type) {
	case faults.Crash, faults.CrashNth:
		return true
	}
	return false
}

// drawPlan draws one to max crashes at the slots, at passes 1..maxHit.
func drawPlan(r *rand.Rand, slots []slot, max, maxHit int) []faults.CrashNth {
	n := 1 + r.IntN(max)
	plan := make([]faults.CrashNth, n)
	for i := range plan {
		sl := slots[r.IntN(len(slots))]
		plan[i] = faults.CrashNth{Target: sl.target, Point: sl.point, Nth: 1 + r.IntN(maxHit), RestartAfter: sl.restart}
	}
	return plan
}

// shrinkPlan makes a failing plan smaller while fails stays true: it drops
// crashes, lowers each crash's pass (to 1, then by halves, then by one)
// and moves crashes to earlier slots, until nothing changes or the run
// budget (a total for *runs) is spent.
func shrinkPlan(plan []faults.CrashNth, slots []slot, fails func([]faults.CrashNth) bool, budget int, runs *int) []faults.CrashNth {
	try := func(p []faults.CrashNth) bool { return *runs < budget && fails(p) }
	for changed := true; changed && *runs < budget; {
		changed = false
		for i := len(plan) - 1; i >= 0; i-- {
			cand := slices.Delete(slices.Clone(plan), i, i+1)
			if try(cand) {
				plan, changed = cand, true
			}
		}
		for i := range plan {
			for _, nth := range lowerPasses(plan[i].Nth) {
				cand := slices.Clone(plan)
				cand[i].Nth = nth
				if try(cand) {
					plan, changed = cand, true
					break
				}
			}
			for _, sl := range slots {
				if sl.target == plan[i].Target && sl.point == plan[i].Point {
					break
				}
				cand := slices.Clone(plan)
				cand[i].Target, cand[i].Point, cand[i].RestartAfter = sl.target, sl.point, sl.restart
				if try(cand) {
					plan, changed = cand, true
					break
				}
			}
		}
	}
	return plan
}

// lowerPasses lists smaller passes to try for a crash at pass n, smallest
// first.
func lowerPasses(n int) []int {
	var out []int
	for _, c := range []int{1, n / 4, n / 2, n - 1} {
		if c >= 1 && c < n && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
