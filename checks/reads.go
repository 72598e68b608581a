package checks

import "github.com/evsim/evsim/model/history"

// partReads is what consumers read of one partition: which offsets, the
// highest one, and the Poll or Deliver record that read it.
type partReads struct {
	read    []bool
	highest int64
	by      int // record that read the highest offset
}

// readLog is what consumers read of each partition, by [partKey].
type readLog struct {
	parts map[uint64]*partReads
}

// partKey packs a partition's topic symbol and number into one map key.
func partKey(topic history.Sym, partition int32) uint64 {
	return symPair(topic, history.Sym(uint32(partition)))
}

func (l *readLog) mark(i int, k uint64, from, to int64) {
	p := l.parts[k]
	if p == nil {
		p = &partReads{highest: to - 1, by: i}
		l.parts[k] = p
	} else if to-1 > p.highest {
		p.highest, p.by = to-1, i
	}
	for int64(len(p.read)) < to {
		p.read = append(p.read, false)
	}
	for o := from; o < to; o++ {
		p.read[o] = true
	}
}

// of returns what was read of partition k, nil when nothing was.
func (l *readLog) of(k uint64) *partReads { return l.parts[k] }

// wasRead reports whether offset off of the partition was read.
func (p *partReads) wasRead(off int64) bool {
	return p != nil && off < int64(len(p.read)) && p.read[off]
}

// reads collects every read of h: the polls of log subscriptions and the
// deliveries (queue subscriptions have no polls).
func reads(h *history.History) *readLog {
	l := &readLog{parts: map[uint64]*partReads{}}
	for i, r := range h.Compact(history.Poll, history.Deliver) {
		k := partKey(r.Topic, r.Partition)
		if r.KindCode() == codePoll {
			if r.Count <= 0 {
				continue // a poll that returned nothing read no offset
			}
			l.mark(i, k, r.Offset, r.Offset+int64(r.Count))
		} else {
			l.mark(i, k, r.Offset, r.Offset+1)
		}
	}
	return l
}
