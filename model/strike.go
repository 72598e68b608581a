package model

import (
	"fmt"

	"github.com/evsim/evsim/sim"
)

// Strike counts how often one fault struck in a run: a fault of the plan
// (a crash, a pause, a churn) or a fault knob of a part of the system (a
// producer's request-loss, a consumer's failures, the event store's lost
// answers...). Times 0 means the fault never struck, and the run taught
// nothing about it.
type Strike struct {
	// Fault names the fault as the scenario gives it, like
	// "faults[0] crash ledger at after-effect, probability 1/20" or
	// "teller request-loss 1/20".
	Fault string `json:"fault"`
	Times int    `json:"times"`
	// Note says what the fault left undone at the end of the run, such
	// as producers an add-partitions with drain-first still holds back
	// ("": nothing).
	Note string `json:"note,omitempty"`
}

// strike counts one strike; a nil Strike is a knob that is off.
func (s *Strike) strike() {
	if s != nil {
		s.Times++
	}
}

// knobs hands out the strike counters of a system's fault knobs, in the
// order they are configured.
type knobs struct {
	list []*Strike
}

// ratio returns the counter of the knob key of part, or nil when the
// knob is off (a zero probability).
func (k *knobs) ratio(part, key string, r sim.Ratio) *Strike {
	if r.Num == 0 {
		return nil
	}
	return k.add(part + " " + key + " " + r.String())
}

// exact returns the counter of the knob key of part that names exact
// strikes (event numbers, answers), or nil when it names none.
func (k *knobs) exact(part, key string, ns []int) *Strike {
	if len(ns) == 0 {
		return nil
	}
	return k.add(fmt.Sprintf("%s %s %v", part, key, ns))
}

func (k *knobs) add(name string) *Strike {
	s := &Strike{Fault: name}
	k.list = append(k.list, s)
	return s
}

// strikes returns a copy of the counters, in configuration order.
func (k *knobs) strikes() []Strike {
	out := make([]Strike, len(k.list))
	for i, s := range k.list {
		out[i] = *s
	}
	return out
}
