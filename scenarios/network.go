package scenarios

import (
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/faults"
)

// networkKeys are the keys of a partition or link fault besides its kind.
var networkKeys = []string{"one-way", "at", "until", "for"}

// sides reads the two sides of a network fault, [SIDE, SIDE], each a
// node name or a list of them.
func (d *decoder) sides(n *yaml.Node, what string) (a, b []string) {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
		got := "nothing"
		if n != nil {
			got = describe(n)
		}
		d.errorf(n, "%s: want the two sides the network splits, like [broker-1, [broker-2, broker-3, controller]] (a side is a node or a list of nodes), got %s", what, got)
		return nil, nil
	}
	side := func(n *yaml.Node, which string) []string {
		if n.Kind == yaml.ScalarNode {
			return []string{d.name(n, which)}
		}
		var names []string
		for i, item := range d.list(n, which) {
			names = append(names, d.name(item, which+"["+strconv.Itoa(i)+"]"))
		}
		if len(names) == 0 {
			d.errorf(n, "%s: an empty side: name at least one node", which)
		}
		return names
	}
	return side(n.Content[0], what+"[0]"), side(n.Content[1], what+"[1]")
}

// window reads a network fault's at (default 0) and its end: until (a
// time) or for (a length), or neither (to the end of the fault window).
func (d *decoder) window(m *mapping, what string) (at, until time.Duration) {
	if v := m.get("at"); v != nil {
		at = d.duration(v, what+".at", false)
	}
	u, f := m.get("until"), m.get("for")
	switch {
	case u != nil && f != nil:
		d.errorf(m.node, "%s: give until (when it heals) or for (how long it lasts), not both", what)
	case u != nil:
		until = d.duration(u, what+".until", true)
		if until <= at {
			d.errorf(u, "%s.until: %v is not after at (%v): the fault would end before it starts", what, until, at)
		}
	case f != nil:
		until = at + d.duration(f, what+".for", true)
	}
	return at, until
}

// partition reads a partition fault.
func (d *decoder) partition(m *mapping, what string) faults.Fault {
	p := faults.Partition{}
	p.A, p.B = d.sides(m.get("partition"), what+".partition")
	if v := m.get("one-way"); v != nil {
		p.OneWay = d.truth(v, what+".one-way")
	}
	p.At, p.Until = d.window(m, what)
	m.done(append([]string{"partition"}, networkKeys...)...)
	return p
}

// link reads a link fault.
func (d *decoder) link(m *mapping, what string) faults.Fault {
	l := faults.Link{}
	l.A, l.B = d.sides(m.get("link"), what+".link")
	if v := m.get("one-way"); v != nil {
		l.OneWay = d.truth(v, what+".one-way")
	}
	l.At, l.Until = d.window(m, what)
	delay, drop := m.get("delay"), m.get("drop")
	if delay == nil && drop == nil {
		d.errorf(m.node, "%s: give delay (extra latency, like 20ms..200ms) or drop (a chance per message, like 1/10), or both", what)
	}
	if delay != nil {
		l.DelayMin, l.DelayMax = d.durationRange(delay, what+".delay")
	}
	if drop != nil {
		l.Drop = d.ratio(drop, what+".drop")
	}
	m.done(append([]string{"link", "delay", "drop"}, networkKeys...)...)
	return l
}
