package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// Link is the behaviour of messages from one node to another: a latency
// drawn uniformly from [LatencyMin, LatencyMax] and a drop probability. The
// zero value delivers instantly and never drops.
type Link struct {
	LatencyMin, LatencyMax Time
	Loss                   Ratio
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
	cut     map[[2]NodeID]bool
	streams [][]*rand.Rand // [from][to], made on first use
}

func (n *Network) init(w *World) { n.w = w }

// stream returns the random stream of the link from one node to another.
func (n *Network) stream(from, to NodeID) *rand.Rand {
	for int(from) >= len(n.streams) {
		n.streams = append(n.streams, nil)
	}
	row := n.streams[from]
	for int(to) >= len(row) {
		row = append(row, nil)
	}
	n.streams[from] = row
	if row[to] == nil {
		h := fnv.New64a()
		h.Write([]byte(n.w.nodes[from].name))
		h.Write([]byte{0})
		h.Write([]byte(n.w.nodes[to].name))
		k := h.Sum64()
		row[to] = rand.New(rand.NewPCG(n.w.seed^k, k^0x9e3779b97f4a7c15))
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
	if l.Loss.Num == 0 && l.LatencyMax <= l.LatencyMin {
		return l.LatencyMin, true
	}
	r := n.stream(from, to)
	if l.Loss.Num > 0 && l.Loss.Chance(r) {
		return 0, false
	}
	d := l.LatencyMin
	if span := l.LatencyMax - l.LatencyMin; span > 0 {
		d += Time(r.Int64N(int64(span) + 1))
	}
	return d, true
}
