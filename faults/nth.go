package faults

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model"
)

// CrashNth crashes a node of Target (a consumer group or a node name) the
// Nth time any of them reaches the crash point Point, and restarts it
// RestartAfter later (negative: never). Every pass counts, whichever
// fault of the plan crashed the node there, so the Nth pass is the same
// with or without the other crashes of a schedule. Unlike [Crash] it draws nothing: a
// schedule of CrashNth values names exact moments, which is what rapid
// shrinks.
type CrashNth struct {
	Target       string
	Point        model.CrashPoint
	Nth          int
	RestartAfter time.Duration
	// PowerLoss: as in [Crash].
	PowerLoss bool
}

// Install implements Fault.
func (c CrashNth) Install(s *model.System, in *Injector) error {
	nodes, err := s.Targets(c.Target)
	if err != nil {
		return err
	}
	if err := checkPoint(s, c.Target, nodes, c.Point); err != nil {
		return err
	}
	if c.Nth < 1 {
		return fmt.Errorf("crash at hit %d: want 1 or more", c.Nth)
	}
	if err := checkPowerLoss(s, c.Target, nodes, c.PowerLoss); err != nil {
		return err
	}
	in.crashes = append(in.crashes, crashRule{fault: in.fault, nodes: nodes, point: string(c.Point), nth: c.Nth, restartAfter: restartTime(c.RestartAfter),
		powerLoss: c.PowerLoss})
	return nil
}

// String renders c for rapid's logs and transcripts.
func (c CrashNth) String() string {
	return fmt.Sprintf("crash %s at %s hit %d, %s", c.Target, c.Point, c.Nth, restartText(c.RestartAfter))
}

// GoString implements fmt.GoStringer, so rapid's draw logs read well.
func (c CrashNth) GoString() string { return c.String() }
