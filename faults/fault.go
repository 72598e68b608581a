package faults

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"evsim/model"
	"evsim/sim"
)

// Fault is one thing to break. Install resolves its targets in the system
// and registers what it does with the plan's injector.
type Fault interface {
	Install(s *model.System, in *Injector) error
}

// Plan is a set of faults active from the start of a run until Until.
type Plan struct {
	Faults []Fault
	// Until ends the fault window (0: faults never stop).
	Until time.Duration
}

// Install installs every fault of p into s and sets the world's crash hook.
// It reports every bad fault in one error.
func (p Plan) Install(s *model.System) error {
	in := &Injector{rng: s.World.Stream(), until: sim.Time(p.Until)}
	var errs []error
	for i, f := range p.Faults {
		if err := f.Install(s, in); err != nil {
			errs = append(errs, fmt.Errorf("fault %d: %w", i+1, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.World.SetCrashHook(in)
	return nil
}

// Injector answers the world's crash points for the installed faults. It
// implements [sim.CrashHook].
type Injector struct {
	rng     *rand.Rand
	until   sim.Time
	crashes []crashRule
}

type crashRule struct {
	nodes        []sim.NodeID
	point        string
	probability  sim.Ratio
	nth          int // if > 0: crash at the nth hit instead of drawing
	hits         int
	restartAfter sim.Time
}

// Crash implements sim.CrashHook: the first rule that matches the node and
// the point draws its probability.
func (in *Injector) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if in.until > 0 && w.Now() >= in.until {
		return false, 0
	}
	for i := range in.crashes {
		r := &in.crashes[i]
		if r.point != point || !slices.Contains(r.nodes, node) {
			continue
		}
		if r.nth > 0 {
			r.hits++
			if r.hits == r.nth {
				return true, r.restartAfter
			}
			continue
		}
		if r.probability.Chance(in.rng) {
			return true, r.restartAfter
		}
	}
	return false, 0
}

// Crash crashes the nodes of Target (a consumer group or a node name) at
// the crash point Point with probability Probability, and restarts them
// RestartAfter later (negative: never).
type Crash struct {
	Target       string
	Point        string
	Probability  sim.Ratio
	RestartAfter time.Duration
}

// Install implements Fault.
func (c Crash) Install(s *model.System, in *Injector) error {
	nodes, err := s.Targets(c.Target)
	if err != nil {
		return err
	}
	if err := checkPoint(c.Point); err != nil {
		return err
	}
	in.crashes = append(in.crashes, crashRule{nodes: nodes, point: c.Point, probability: c.Probability, restartAfter: restartTime(c.RestartAfter)})
	return nil
}

func restartTime(d time.Duration) sim.Time {
	if d < 0 {
		return -1
	}
	return sim.Time(d)
}

func checkPoint(p string) error {
	if !slices.Contains(model.CrashPoints, p) {
		return fmt.Errorf("unknown crash point %q: want one of %v", p, model.CrashPoints)
	}
	return nil
}
