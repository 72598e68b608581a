package sim

import "math/rand/v2"

// Link is the behaviour of messages from one node to another: a latency
// drawn uniformly from [LatencyMin, LatencyMax] and a drop probability. The
// zero value delivers instantly and never drops.
type Link struct {
	LatencyMin, LatencyMax Time
	Loss                   Ratio
	// FIFO makes messages from one node to another arrive in the order they
	// were sent, as over one TCP connection: a message never overtakes an
	// earlier one on the same link (it arrives no earlier than it).
	FIFO bool
}

// Network holds the links of a world: one default link and per-pair
// overrides, plus partitions that cut links.
type Network struct {
	rng     *rand.Rand
	Default Link
	links   map[[2]NodeID]Link
	cut     map[[2]NodeID]bool
	last    map[[2]NodeID]Time // latest arrival on each FIFO link
}

func (n *Network) init(r *rand.Rand) { n.rng = r }

// SetLink overrides the link from one node to another.
func (n *Network) SetLink(from, to NodeID, l Link) {
	if n.links == nil {
		n.links = map[[2]NodeID]Link{}
	}
	n.links[[2]NodeID{from, to}] = l
}

// Cut partitions the link from one node to another (one way) until Mend.
func (n *Network) Cut(from, to NodeID) {
	if n.cut == nil {
		n.cut = map[[2]NodeID]bool{}
	}
	n.cut[[2]NodeID{from, to}] = true
}

// Mend heals a cut link.
func (n *Network) Mend(from, to NodeID) { delete(n.cut, [2]NodeID{from, to}) }

// latency draws the delay of one message, or reports that it is lost.
func (n *Network) latency(from, to NodeID) (Time, bool) {
	l := n.Default
	if n.links != nil {
		if o, ok := n.links[[2]NodeID{from, to}]; ok {
			l = o
		}
	}
	if n.cut != nil && n.cut[[2]NodeID{from, to}] {
		return 0, false
	}
	if l.Loss.Num > 0 && l.Loss.Chance(n.rng) {
		return 0, false
	}
	d := l.LatencyMin
	if span := l.LatencyMax - l.LatencyMin; span > 0 {
		d += Time(n.rng.Int64N(int64(span) + 1))
	}
	return d, true
}

// order returns when a message sent from one node to another that would
// arrive at at does arrive: on a FIFO link, not before the previous
// message of that link.
func (n *Network) order(from, to NodeID, at Time) Time {
	l := n.Default
	if n.links != nil {
		if o, ok := n.links[[2]NodeID{from, to}]; ok {
			l = o
		}
	}
	if !l.FIFO {
		return at
	}
	if n.last == nil {
		n.last = map[[2]NodeID]Time{}
	}
	k := [2]NodeID{from, to}
	if prev := n.last[k]; prev > at {
		at = prev
	}
	n.last[k] = at
	return at
}
