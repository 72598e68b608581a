package live

import (
	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// Comparison is one check of a scenario judged on the simulation and on
// its live runs.
type Comparison struct {
	Check     string
	Simulated checks.Verdict
	// Live counts the live runs that reached each verdict.
	Live     map[checks.Verdict]int
	Runs     int
	Expected checks.Verdict
	// Differs says that some live run in which the scenario's faults
	// struck (or of a scenario without faults) reached another verdict
	// than the simulation: the model and the broker (or its client)
	// disagree, or the run's timing did.
	Differs bool
	// Unstruck counts the live runs that reached another verdict than the
	// simulation but in which none of the scenario's faults struck: a
	// fault drawn with a probability may miss a whole run, which says
	// nothing about the model or the broker.
	Unstruck int
}

// Compare sets the simulated verdicts of s's checks beside the verdicts
// of its live runs, check by check in s's order.
func Compare(s *scenarios.Scenario, simulated []checks.Result, runs []*Result) []Comparison {
	faulty := len(s.Faults.Faults) > 0
	for _, p := range s.System.Producers {
		faulty = faulty || p.RequestLoss.Num > 0 || p.AckLoss.Num > 0
	}
	sim := map[string]checks.Verdict{}
	for _, r := range simulated {
		sim[r.Check] = r.Verdict
	}
	out := make([]Comparison, 0, len(s.Checks))
	for _, name := range s.Checks {
		want, ok := s.Expect[name]
		if !ok {
			want = checks.Holds
		}
		c := Comparison{Check: name, Simulated: sim[name], Live: map[checks.Verdict]int{}, Runs: len(runs), Expected: want}
		for _, run := range runs {
			v := checks.Verdict("")
			for _, r := range run.Results {
				if r.Check == name {
					v = r.Verdict
				}
			}
			c.Live[v]++
			switch {
			case v == c.Simulated:
			case faulty && run.Struck == 0:
				c.Unstruck++
			default:
				c.Differs = true
			}
		}
		out = append(out, c)
	}
	return out
}

// LivePairs returns the built-in failure modes that have a broken and a
// fixed scenario that run live on the embedded cluster, each with only
// those scenarios: the pairs `evsim live --compare` runs by default.
func LivePairs() ([]scenarios.FailureMode, error) {
	var out []scenarios.FailureMode
	for _, m := range scenarios.FailureModes {
		var err error
		live := func(names []string) []string {
			var ok []string
			for _, n := range names {
				s, e := scenarios.Builtin(n)
				if e != nil {
					err = e
					continue
				}
				if len(Refusals(s, Options{})) == 0 {
					ok = append(ok, n)
				}
			}
			return ok
		}
		m.Broken, m.Fixed = live(m.Broken), live(m.Fixed)
		if err != nil {
			return nil, err
		}
		if len(m.Broken) > 0 && len(m.Fixed) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}
