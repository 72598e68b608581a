package checks

import "github.com/evsim/evsim/model/history"

// readLog is what consumers read of each partition: which offsets, the
// highest one, and the Poll or Deliver record that read it.
type readLog struct {
	read    map[tp][]bool
	highest map[tp]int64
	by      map[tp]int // record that read the highest offset
}

func (l *readLog) mark(i int, k tp, from, to int64) {
	rs := l.read[k]
	for int64(len(rs)) < to {
		rs = append(rs, false)
	}
	for o := from; o < to; o++ {
		rs[o] = true
	}
	l.read[k] = rs
	if h, ok := l.highest[k]; !ok || to-1 > h {
		l.highest[k], l.by[k] = to-1, i
	}
}

func (l *readLog) wasRead(k tp, off int64) bool {
	rs := l.read[k]
	return off < int64(len(rs)) && rs[off]
}

// reads collects every read of h: the polls of log subscriptions and the
// deliveries (queue subscriptions have no polls).
func reads(h *history.History) *readLog {
	l := &readLog{read: map[tp][]bool{}, highest: map[tp]int64{}, by: map[tp]int{}}
	for i, r := range h.OfKind(history.Poll, history.Deliver) {
		switch r.Kind {
		case history.Poll:
			l.mark(i, tp{r.Topic, r.Partition}, r.Offset, r.Offset+int64(r.Count))
		case history.Deliver:
			l.mark(i, tp{r.Topic, r.Partition}, r.Offset, r.Offset+1)
		}
	}
	return l
}
