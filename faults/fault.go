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
	restartAfter sim.Time
}

// Crash implements sim.CrashHook: the first rule that matches the node and
// the point draws its probability.
func (in *Injector) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if in.until > 0 && w.Now() >= in.until {
		return false, 0
	}
	for _, r := range in.crashes {
		if r.point != point || !slices.Contains(r.nodes, node) {
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
	if !slices.Contains(model.CrashPoints, c.Point) {
		return fmt.Errorf("unknown crash point %q: want one of %v", c.Point, model.CrashPoints)
	}
	restart := sim.Time(c.RestartAfter)
	if c.RestartAfter < 0 {
		restart = -1
	}
	in.crashes = append(in.crashes, crashRule{nodes: nodes, point: c.Point, probability: c.Probability, restartAfter: restart})
	return nil
}
