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
	// earlier one on the same link (it arrives no earlier than it). A
	// crash of either end resets the connection: a message sent after it
	// is not held up behind one sent before.
	FIFO bool
}

// Network holds the links of a world: one default link and per-pair
// overrides, plus partitions that cut links. Each link draws its latency
// and losses from its own random stream, derived from the world's seed and
// the names of its two ends, so adding a node or a link never changes what
// the other links draw.
type Network struct {
	w       *World
	Default Link
	links   map[[2]NodeID]Link
	cut     map[[2]NodeID]int // cuts of a link not mended yet
	state   [][]*linkState    // [from][to], made on first use
	free    []linkState       // room for the next links, made linkSlab at a time
	observe func(from, to NodeID, cut bool)
}

// Observe installs fn, told of every message sent to a node that is up,
// as the network takes it: its link, and whether a cut of the link lost
// it. Fault injectors use it to learn whether a fault on a link touched
// any message. nil removes it. fn must not send.
func (n *Network) Observe(fn func(from, to NodeID, cut bool)) { n.observe = fn }

// linkSlab is the number of links made in one allocation.
const linkSlab = 16

// linkState is what one directed link remembers: its random stream and,
// for FIFO links, the latest arrival time it has promised on the
// connection between the incarnations of its ends that were up then.
type linkState struct {
	rng  *rand.Rand
	last Time
	conn [2]uint32 // the incarnations of from and to when last was set
	// pcg and r are rng's source and generator, held here so that a link
	// is one allocation.
	pcg rand.PCG
	r   rand.Rand
}

func (n *Network) init(w *World) { n.w = w }

// link returns the state of the link from one node to another.
func (n *Network) link(from, to NodeID) *linkState {
	if int(from) >= len(n.state) {
		n.state = append(n.state, make([][]*linkState, max(int(from)+1, len(n.w.nodes))-len(n.state))...)
	}
	row := n.state[from]
	if int(to) >= len(row) {
		row = append(row, make([]*linkState, max(int(to)+1, len(n.w.nodes))-len(row))...)
		n.state[from] = row
	}
	if row[to] == nil {
		// FNV-1a of the two names with a zero byte between them
		k := uint64(fnvOffset)
		for _, c := range []byte(n.w.nodes[from].name) {
			k = (k ^ uint64(c)) * fnvPrime
		}
		k *= fnvPrime // the zero byte
		for _, c := range []byte(n.w.nodes[to].name) {
			k = (k ^ uint64(c)) * fnvPrime
		}
		if len(n.free) == 0 {
			n.free = make([]linkState, linkSlab)
		}
		ls := &n.free[0]
		n.free = n.free[1:]
		ls.pcg.Seed(n.w.seed^k, k^0x9e3779b97f4a7c15)
		ls.r = *rand.New(&ls.pcg)
		ls.rng = &ls.r
		row[to] = ls
	}
	return row[to]
}

// SetLink overrides the link from one node to another.
func (n *Network) SetLink(from, to NodeID, l Link) {
	if n.links == nil {
		n.links = map[[2]NodeID]Link{}
	}
	n.links[[2]NodeID{from, to}] = l
}

// ClearLink removes the override of the link from one node to another:
// it behaves as the default link again.
func (n *Network) ClearLink(from, to NodeID) { delete(n.links, [2]NodeID{from, to}) }

// Cut partitions the link from one node to another (one way) until Mend.
// Cuts count: a link cut twice (by two overlapping partitions) heals at
// the second Mend.
func (n *Network) Cut(from, to NodeID) {
	if n.cut == nil {
		n.cut = map[[2]NodeID]int{}
	}
	n.cut[[2]NodeID{from, to}]++
}

// Mend heals one cut of a link.
func (n *Network) Mend(from, to NodeID) {
	k := [2]NodeID{from, to}
	if n.cut[k] <= 1 {
		delete(n.cut, k)
		return
	}
	n.cut[k]--
}

// Override returns the override of the link from one node to another,
// and whether it has one.
func (n *Network) Override(from, to NodeID) (Link, bool) {
	l, ok := n.links[[2]NodeID{from, to}]
	return l, ok
}

// Link returns the behaviour of the link from one node to another: its
// override, or the default.
func (n *Network) Link(from, to NodeID) Link {
	if o, ok := n.links[[2]NodeID{from, to}]; ok {
		return o
	}
	return n.Default
}

// arrival draws when a message sent now from one node to another arrives,
// or reports that it is lost. On a FIFO link a message never arrives
// before the previous one.
func (n *Network) arrival(now Time, from, to NodeID) (Time, bool) {
	l := n.Default
	if n.links != nil {
		if o, ok := n.links[[2]NodeID{from, to}]; ok {
			l = o
		}
	}
	cut := n.cut != nil && n.cut[[2]NodeID{from, to}] > 0
	if n.observe != nil {
		n.observe(from, to, cut)
	}
	if cut {
		return 0, false
	}
	if l.Loss.Num == 0 && l.LatencyMax <= l.LatencyMin && !l.FIFO {
		return now + l.LatencyMin, true
	}
	ls := n.link(from, to)
	if l.Loss.Num > 0 && l.Loss.Chance(ls.rng) {
		return 0, false
	}
	at := now + l.LatencyMin
	if span := l.LatencyMax - l.LatencyMin; span > 0 {
		at += Time(ls.rng.Int64N(int64(span) + 1))
	}
	if l.FIFO {
		if c := [2]uint32{n.w.nodes[from].inc, n.w.nodes[to].inc}; c == ls.conn {
			at = max(at, ls.last)
		} else {
			ls.conn = c
		}
		ls.last = at
	}
	return at, true
}
