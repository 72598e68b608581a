package faults

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// PointAt is the crash point a [CrashAt] records: the crash came at a set
// time, not at a point of the node's work.
const PointAt model.CrashPoint = "at-time"

// CrashAt crashes every node of Target at simulated time At (if the fault
// window is still open), whatever it is doing, and restarts it
// RestartAfter later (negative: never). PowerLoss: as in [Crash]. Unlike
// the crash points, a set time strikes the same moment in a scenario and
// its fixed twin even when their nodes do different work.
type CrashAt struct {
	Target       string
	At           time.Duration
	RestartAfter time.Duration
	PowerLoss    bool
}

// Install implements Fault.
func (c CrashAt) Install(s *model.System, in *Injector) error {
	nodes, err := s.Targets(c.Target)
	if err != nil {
		return err
	}
	if c.At <= 0 {
		return fmt.Errorf("crash %q at %v: want a positive time", c.Target, c.At)
	}
	if err := checkPowerLoss(s, c.Target, nodes, c.PowerLoss); err != nil {
		return err
	}
	rule := &crashRule{fault: in.fault, powerLoss: c.PowerLoss}
	s.At(sim.Time(c.At), func(w *sim.World) {
		if !in.active(w.Now()) {
			return
		}
		for _, id := range nodes {
			if w.Up(id) && s.Deployed(w, id) {
				in.struck[rule.fault]++
				in.notePowerLoss(id, rule)
				w.Crash(id, string(PointAt), restartTime(c.RestartAfter))
			}
		}
	})
	return nil
}

// String renders c as the plan's fault list names it.
func (c CrashAt) String() string {
	s := fmt.Sprintf("crash %s at time %v, %s", c.Target, c.At, restartText(c.RestartAfter))
	if c.PowerLoss {
		s += ", power loss"
	}
	return s
}
