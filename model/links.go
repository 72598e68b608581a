package model

import (
	"fmt"
	"strings"

	"github.com/evsim/evsim/sim"
)

// LinkEnd returns the node a network fault names as one end of the links
// it cuts or degrades: a producer, a broker of the cluster, or the
// controller. The group coordinator `broker` (and the consumers and
// projectors that read through it) and the control node are not on
// links a network fault may touch: consumers do not fetch from the
// cluster's brokers in this model.
func (s *System) LinkEnd(name string) (sim.NodeID, error) {
	for _, p := range s.Producers {
		if p.cfg.Name == name {
			return p.id, nil
		}
	}
	if c := s.Broker.cluster; c != nil {
		if name == "controller" {
			return c.id, nil
		}
		for _, r := range c.brokers {
			if r.name == name {
				return r.id, nil
			}
		}
	}
	return 0, fmt.Errorf("%q is not a node a network fault can cut off: want one of %s (consumers read through the group coordinator, which network faults leave alone)",
		name, strings.Join(s.LinkEnds(), ", "))
}

// LinkEnds lists the names [System.LinkEnd] accepts: the producers, then
// the brokers of the cluster and the controller.
func (s *System) LinkEnds() []string {
	var names []string
	for _, p := range s.Producers {
		names = append(names, p.cfg.Name)
	}
	if c := s.Broker.cluster; c != nil {
		for _, r := range c.brokers {
			names = append(names, r.name)
		}
		names = append(names, "controller")
	}
	if len(names) == 0 {
		return []string{"a producer (the system has none)"}
	}
	return names
}

// Replicated reports whether the system has a broker cluster (a topic
// with a replication factor above 1).
func (s *System) Replicated() bool { return s.Broker.cluster != nil }
