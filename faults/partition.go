package faults

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// Partition cuts the network between two sets of nodes for a while, as a
// failed switch or a firewall rule does: from At until Until, every
// message from a node of A to a node of B is lost, and, unless OneWay,
// every message from B to A too. Messages already on the way arrive. A
// request lost this way is never answered, so its sender times out and
// retries; a broker whose heartbeats cannot reach the controller is
// fenced when its session runs out, though it does not know it. The ends
// are producers, brokers of the cluster and the controller
// ([model.System.LinkEnd]). Until 0, or past the plan's window, heals the
// partition as the window closes. The partition strikes once, at the
// first message it cuts: one between nodes that do not talk while it is
// on never strikes.
type Partition struct {
	A, B   []string
	OneWay bool
	At     time.Duration
	Until  time.Duration
}

// Install implements Fault.
func (p Partition) Install(s *model.System, in *Injector) error {
	a, b, err := linkSides(s, "partition", p.A, p.B)
	if err != nil {
		return err
	}
	if err := checkWindow("partition", p.At, p.Until); err != nil {
		return err
	}
	r := in.netRule(true, pairsOf(a, b, p.OneWay))
	net := s.World.Network()
	s.At(sim.Time(p.At), func(w *sim.World) {
		if !in.active(w.Now()) {
			return
		}
		r.on = true
		for _, l := range r.pairs {
			net.Cut(l[0], l[1])
		}
		if end := in.end(p.Until); end > 0 {
			s.At(end, func(*sim.World) {
				r.on = false
				for _, l := range r.pairs {
					net.Mend(l[0], l[1])
				}
			})
		}
	})
	return nil
}

// pairsOf lists the directed links from every node of a to every node of
// b and, unless oneWay, back.
func pairsOf(a, b []sim.NodeID, oneWay bool) [][2]sim.NodeID {
	var pairs [][2]sim.NodeID
	for _, x := range a {
		for _, y := range b {
			pairs = append(pairs, [2]sim.NodeID{x, y})
			if !oneWay {
				pairs = append(pairs, [2]sim.NodeID{y, x})
			}
		}
	}
	return pairs
}

// netRule is a network fault's hold on its links: whether it is on, and
// whether a message has met it yet (its one strike).
type netRule struct {
	fault   int
	cuts    bool // a partition: it strikes on a message it cut; a link fault on one it carried
	pairs   [][2]sim.NodeID
	on, hit bool
}

// netRule registers a network fault on pairs for the fault being
// installed.
func (in *Injector) netRule(cuts bool, pairs [][2]sim.NodeID) *netRule {
	r := &netRule{fault: in.fault, cuts: cuts, pairs: pairs}
	in.nets = append(in.nets, r)
	return r
}

// observe is told of every message the network takes (see
// [sim.Network.Observe]): a partition strikes at the first message it
// cuts, a link fault at the first message it carries, so that a network
// fault between nodes that never talk while it is on never strikes.
func (in *Injector) observe(from, to sim.NodeID, cut bool) {
	for _, r := range in.nets {
		if r.on && !r.hit && r.cuts == cut && slices.Contains(r.pairs, [2]sim.NodeID{from, to}) {
			r.hit = true
			in.struck[r.fault]++
		}
	}
}

// String renders p as the plan's fault list names it.
func (p Partition) String() string {
	way := "both ways"
	if p.OneWay {
		way = "one way"
	}
	return fmt.Sprintf("partition [%s] from [%s] %s, %s", strings.Join(p.A, " "), strings.Join(p.B, " "), way,
		windowText(p.At, p.Until))
}

// end returns when a network fault that lasts until until (0: the whole
// window) ends: at the latest as the plan's window closes; 0 if never.
func (in *Injector) end(until time.Duration) sim.Time {
	end := sim.Time(until)
	if in.until > 0 && (end == 0 || end > in.until) {
		end = in.until
	}
	return end
}

// linkSides resolves the two sides of a network fault, which must name
// nodes on the cluster's links, at least one each, none on both sides.
func linkSides(s *model.System, kind string, a, b []string) ([]sim.NodeID, []sim.NodeID, error) {
	if !s.Replicated() {
		return nil, nil, fmt.Errorf("%s: network faults cut the links of the broker cluster: the system needs a topic with replication-factor 2 or more", kind)
	}
	side := func(names []string, which string) ([]sim.NodeID, error) {
		if len(names) == 0 {
			return nil, fmt.Errorf("%s: the %s side names no node", kind, which)
		}
		var ids []sim.NodeID
		for _, n := range names {
			id, err := s.LinkEnd(n)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kind, err)
			}
			if slices.Contains(ids, id) {
				return nil, fmt.Errorf("%s: %s is named twice on the %s side", kind, n, which)
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	x, err := side(a, "first")
	if err != nil {
		return nil, nil, err
	}
	y, err := side(b, "second")
	if err != nil {
		return nil, nil, err
	}
	for i, id := range x {
		if slices.Contains(y, id) {
			return nil, nil, fmt.Errorf("%s: %s is on both sides", kind, a[i])
		}
	}
	return x, y, nil
}

// checkWindow checks a network fault's window: it starts at at (0 or
// later) and ends at until (0: with the plan's window), after it starts.
func checkWindow(kind string, at, until time.Duration) error {
	if at < 0 {
		return fmt.Errorf("%s at %v: want a time of 0 or later", kind, at)
	}
	if until != 0 && until <= at {
		return fmt.Errorf("%s: it ends (until %v) before it starts (at %v)", kind, until, at)
	}
	return nil
}

// windowText says when a network fault is on.
func windowText(at, until time.Duration) string {
	if until == 0 {
		return fmt.Sprintf("from %v to the end of the fault window", at)
	}
	return fmt.Sprintf("from %v until %v", at, until)
}
