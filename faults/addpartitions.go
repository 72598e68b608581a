package faults

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// DrainPoll is how often an [AddPartitions] with DrainFirst looks whether
// the topic has drained.
const DrainPoll = 10 * time.Millisecond

// AddPartitions grows Topic to To partitions at simulated time At (if the
// fault window is still open), as an operator running
// kafka-topics --alter --partitions does. The groups reading the topic
// rebalance at once; its producers pick partitions among the new count
// from their next metadata refresh on, so a key's new events may go to
// another partition than its older ones.
//
// With DrainFirst, the operator follows the procedure that keeps each
// key's order: at At, stop the topic's producers, wait until they have
// nothing in flight and every group has consumed every partition, then
// add the partitions and start the producers again (with fresh
// metadata), which publish the events that waited. A topic that never
// drains (a group whose members are all down for good) holds them back
// until the run ends: the fault's strike report then names the producers
// still held and what kept the drain from reaching lag 0.
type AddPartitions struct {
	Topic      string
	At         time.Duration
	To         int
	DrainFirst bool
}

// Install implements Fault.
func (a AddPartitions) Install(s *model.System, in *Injector) error {
	if a.At <= 0 {
		return fmt.Errorf("add-partitions %q at %v: want a positive time", a.Topic, a.At)
	}
	if err := s.CanAddPartitions(a.Topic, a.To); err != nil {
		return err
	}
	fault := in.fault
	held := sim.Time(-1) // when the producers were held back (-1: not yet)
	if a.DrainFirst {
		if in.notes == nil {
			in.notes = map[int]func() string{}
		}
		in.notes[fault] = func() string {
			names := s.HeldProducers(a.Topic)
			if held < 0 || names == "" {
				return ""
			}
			return fmt.Sprintf("still held back at the end of the run, since %v: %s; the operator's drain never reached lag 0: %s",
				held.Duration(), names, s.Undrained(a.Topic))
		}
	}
	var wait func(w *sim.World)
	wait = func(w *sim.World) {
		if !s.TopicDrained(a.Topic) {
			s.At(w.Now()+sim.Time(DrainPoll), wait)
			return
		}
		s.AddPartitions(a.Topic, a.To)
		s.ReleaseProducers(a.Topic)
	}
	s.At(sim.Time(a.At), func(w *sim.World) {
		if !in.active(w.Now()) || s.CanAddPartitions(a.Topic, a.To) != nil {
			return // the window closed, or another fault grew the topic as far
		}
		in.struck[fault]++
		if !a.DrainFirst {
			s.AddPartitions(a.Topic, a.To)
			return
		}
		s.HoldProducers(a.Topic)
		held = w.Now()
		wait(w)
	})
	return nil
}

// String renders a as the plan's fault list names it.
func (a AddPartitions) String() string {
	s := fmt.Sprintf("add-partitions %s at time %v, to %d", a.Topic, a.At, a.To)
	if a.DrainFirst {
		s += ", drain first"
	}
	return s
}
