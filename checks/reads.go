package checks

import (
	"sort"

	"github.com/evsim/evsim/model/history"
)

// partReads is what consumers read of one partition: which offsets, the
// highest one, and the Poll or Deliver record that read it.
type partReads struct {
	spans   []span // the offsets read, sorted and merged once all are in
	highest int64
	by      int // record that read the highest offset
	// log holds the event appended last at each offset (0: no append of
	// an event recorded there).
	log *offsetSlots
}

// span is the offsets [from, to) of a partition.
type span struct{ from, to int64 }

// readLog is what consumers read of each partition, by [partKey], and
// the events the reads returned, by topic: Jepsen judges unseen and
// lost writes by the values read, not by the offsets, and an offset
// read after a leader change truncated the log may hold another event
// than the one acknowledged there.
type readLog struct {
	parts  map[uint64]*partReads
	events map[history.Sym]*symSet
}

// partKey packs a partition's topic symbol and number into one map key.
func partKey(topic history.Sym, partition int32) uint64 {
	return symPair(topic, history.Sym(uint32(partition)))
}

// mark notes that record i read offsets [from, to) of partition k. A read
// that continues the one before extends its span.
func (l *readLog) mark(i int, k uint64, from, to int64) {
	p := l.parts[k]
	if p == nil {
		p = &partReads{highest: to - 1, by: i}
		l.parts[k] = p
	} else if to-1 > p.highest {
		p.highest, p.by = to-1, i
	}
	if n := len(p.spans); n > 0 && from >= p.spans[n-1].from && from <= p.spans[n-1].to {
		p.spans[n-1].to = max(p.spans[n-1].to, to)
		return
	}
	p.spans = append(p.spans, span{from, to})
}

// merge sorts the spans read and joins those that overlap or touch.
func (p *partReads) merge() {
	sort.Slice(p.spans, func(a, b int) bool { return p.spans[a].from < p.spans[b].from })
	out := p.spans[:0]
	for _, s := range p.spans {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	p.spans = out
}

// of returns what was read of partition k, nil when nothing was.
func (l *readLog) of(k uint64) *partReads { return l.parts[k] }

// wasRead reports whether offset off of the partition was read.
func (p *partReads) wasRead(off int64) bool {
	if p == nil {
		return false
	}
	i := sort.Search(len(p.spans), func(i int) bool { return p.spans[i].to > off })
	return i < len(p.spans) && p.spans[i].from <= off
}

// appended reports whether the history records an append of an event at
// offset off of the partition.
func (p *partReads) appended(off int64) bool {
	return p != nil && p.log.get(off) != 0
}

// returned reports whether a read returned event ev of topic, which was
// acknowledged at offset off of partition part: a delivery of it, or a
// poll over an offset whose last append before the poll was it. Where
// the history records no append at off (a history of the clients alone),
// a read of the offset stands for its event.
func (l *readLog) returned(topic, ev history.Sym, part int32, off int64) bool {
	if l.events[topic].has(ev) {
		return true
	}
	p := l.parts[partKey(topic, part)]
	return p.wasRead(off) && !p.appended(off)
}

// reads collects every read of h: the polls of log subscriptions and the
// deliveries (queue subscriptions have no polls), and the events they
// returned: a delivery names its own, a poll returns the events appended
// last, before it, at the offsets it covers.
func reads(h *history.History) *readLog {
	l := &readLog{parts: map[uint64]*partReads{}, events: map[history.Sym]*symSet{}}
	logs := map[uint64]*offsetSlots{} // the event appended last at each offset, so far
	for i, r := range h.Compact(history.Append, history.Poll, history.Deliver) {
		k := partKey(r.Topic, r.Partition)
		switch r.KindCode() {
		case codeAppend:
			if r.Event == 0 {
				continue // a transaction marker
			}
			lg := logs[k]
			if lg == nil {
				lg = &offsetSlots{}
				logs[k] = lg
			}
			lg.set(r.Offset, r.Event)
		case codePoll:
			if r.Count <= 0 {
				continue // a poll that returned nothing read no offset
			}
			to := r.Offset + int64(r.Count)
			l.mark(i, k, r.Offset, to)
			if lg := logs[k]; lg != nil {
				evs := symSetOf(l.events, r.Topic)
				lg.each(r.Offset, to, evs.add)
			}
		default:
			l.mark(i, k, r.Offset, r.Offset+1)
			if r.Event != 0 {
				symSetOf(l.events, r.Topic).add(r.Event)
			}
		}
	}
	for k, p := range l.parts {
		p.merge()
		p.log = logs[k]
	}
	return l
}

// offsetSlots holds an event's symbol per offset of one partition: a
// slice from the first offset set, for the usual dense run of offsets
// (which a real broker's topic starts anywhere), and a map for an offset
// far from that run (a hand-written history's, widely spaced ones). The
// slice grows only while it stays within twice the offsets set and a
// page, so that sparse offsets cost what they hold. A nil *offsetSlots is
// empty.
type offsetSlots struct {
	base  int64
	n     int64 // offsets set, overwrites included
	dense []history.Sym
	far   map[int64]history.Sym
}

// set sets offset o's symbol to y.
func (s *offsetSlots) set(o int64, y history.Sym) {
	if s.n == 0 {
		s.base = o
	}
	s.n++
	if d := o - s.base; d >= 0 && (d < int64(len(s.dense)) || d < 2*s.n+4096) {
		for int64(len(s.dense)) <= d {
			s.dense = append(s.dense, 0)
		}
		s.dense[d] = y
		return
	}
	if s.far == nil {
		s.far = map[int64]history.Sym{}
	}
	s.far[o] = y
}

// get returns offset o's symbol, 0 for none.
func (s *offsetSlots) get(o int64) history.Sym {
	if s == nil {
		return 0
	}
	if d := o - s.base; d >= 0 && d < int64(len(s.dense)) {
		if y := s.dense[d]; y != 0 {
			return y
		}
	}
	return s.far[o]
}

// each calls f with the symbol of every offset in [from, to) that has
// one, in no particular order.
func (s *offsetSlots) each(from, to int64, f func(history.Sym)) {
	lo, hi := max(from-s.base, 0), min(to-s.base, int64(len(s.dense)))
	for d := lo; d < hi; d++ {
		if y := s.dense[d]; y != 0 {
			f(y)
		}
	}
	if to-from <= int64(len(s.far)) {
		for o := from; o < to; o++ {
			if y, ok := s.far[o]; ok {
				f(y)
			}
		}
		return
	}
	for o, y := range s.far {
		if o >= from && o < to {
			f(y)
		}
	}
}
