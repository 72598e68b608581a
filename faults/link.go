package faults

import (
	"fmt"
	"strings"
	"time"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// Link degrades the network between two sets of nodes for a while: from
// At until Until, every message from a node of A to a node of B (and,
// unless OneWay, from B to A) takes DelayMin..DelayMax longer than the
// network's latency, drawn per message, and is lost with probability
// Drop. Links stay FIFO, as TCP connections are: a delayed message holds
// up the ones behind it, and a lost one does not. The ends are as for
// [Partition]; two link faults may not degrade the same link at the same
// time. The fault strikes once, at the first message it carries: one
// between nodes that do not talk while it is on never strikes.
type Link struct {
	A, B               []string
	OneWay             bool
	At, Until          time.Duration
	DelayMin, DelayMax time.Duration
	Drop               sim.Ratio
}

// linkWindow is a link fault's hold on one directed link.
type linkWindow struct {
	from, to  sim.NodeID
	at, until sim.Time // until 0: to the end
	fault     int
}

// Install implements Fault.
func (l Link) Install(s *model.System, in *Injector) error {
	if err := checkRatio("link: drop probability", l.Drop); err != nil {
		return err
	}
	a, b, err := linkSides(s, "link", l.A, l.B)
	if err != nil {
		return err
	}
	if err := checkWindow("link", l.At, l.Until); err != nil {
		return err
	}
	if l.DelayMin < 0 || l.DelayMax < l.DelayMin {
		return fmt.Errorf("link: delay %v..%v: want 0 or more, the least first", l.DelayMin, l.DelayMax)
	}
	if l.DelayMax == 0 && l.Drop.Num == 0 {
		return fmt.Errorf("link: give a delay or a drop probability: the fault changes nothing")
	}
	pairs := pairsOf(a, b, l.OneWay)
	at, until := sim.Time(l.At), sim.Time(l.Until)
	for _, p := range pairs {
		for _, o := range in.links {
			if o.from == p[0] && o.to == p[1] && (o.until == 0 || at < o.until) && (until == 0 || o.at < until) {
				return fmt.Errorf("link: the link from %s to %s is degraded by faults[%d] at the same time: one link fault per link at a time",
					s.World.Name(p[0]), s.World.Name(p[1]), o.fault)
			}
		}
		in.links = append(in.links, linkWindow{p[0], p[1], at, until, in.fault})
	}
	r := in.netRule(false, pairs)
	net := s.World.Network()
	s.At(at, func(w *sim.World) {
		if !in.active(w.Now()) {
			return
		}
		r.on = true
		for _, p := range pairs {
			base := in.hold(net, p, r)
			d := base
			d.LatencyMin = base.LatencyMin + sim.Time(l.DelayMin)
			d.LatencyMax = max(base.LatencyMax, base.LatencyMin) + sim.Time(l.DelayMax)
			d.Loss = l.Drop
			net.SetLink(p[0], p[1], d)
		}
		if end := in.end(l.Until); end > 0 {
			s.At(end, func(*sim.World) {
				r.on = false
				for _, p := range pairs {
					in.release(net, p, r)
				}
			})
		}
	})
	return nil
}

// heldLink is a link that a link fault degrades: how it was before any
// link fault touched it, and the fault that holds it now.
type heldLink struct {
	base     sim.Link
	override bool // base was an override of the link, not the default
	by       *netRule
}

// hold gives link p to the link fault r and returns the link as it was
// before any link fault degraded it, for r to degrade. Link faults on one
// link never overlap, but one may start at the instant another ends,
// before the other's end runs.
func (in *Injector) hold(net *sim.Network, p [2]sim.NodeID, r *netRule) sim.Link {
	h := in.held[p]
	if h == nil {
		if in.held == nil {
			in.held = map[[2]sim.NodeID]*heldLink{}
		}
		h = &heldLink{base: net.Link(p[0], p[1])}
		_, h.override = net.Override(p[0], p[1])
		in.held[p] = h
	}
	h.by = r
	return h.base
}

// release gives back link p at the end of the link fault r, unless
// another link fault holds it since: the link behaves as before.
func (in *Injector) release(net *sim.Network, p [2]sim.NodeID, r *netRule) {
	h := in.held[p]
	if h == nil || h.by != r {
		return
	}
	if h.override {
		net.SetLink(p[0], p[1], h.base)
	} else {
		net.ClearLink(p[0], p[1])
	}
	delete(in.held, p)
}

// String renders l as the plan's fault list names it.
func (l Link) String() string {
	way := "both ways"
	if l.OneWay {
		way = "one way"
	}
	var what []string
	if l.DelayMax > 0 {
		what = append(what, fmt.Sprintf("delay %v..%v", l.DelayMin, l.DelayMax))
	}
	if l.Drop.Num > 0 {
		what = append(what, "drop "+ratioText(l.Drop))
	}
	return fmt.Sprintf("link [%s] to [%s] %s, %s, %s", strings.Join(l.A, " "), strings.Join(l.B, " "), way,
		strings.Join(what, ", "), windowText(l.At, l.Until))
}
