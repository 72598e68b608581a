package checks

import (
	"slices"

	"github.com/evsim/evsim/model/history"
)

// versionOrder is what the history shows of each partition's log: the
// offsets known to hold a record, because a record was appended,
// acknowledged, delivered or polled there, sorted (Jepsen's version order
// of a key). A consumer skips a record only if it jumps over one of these.
// Transaction markers and the records of aborted transactions are left
// out: a consumer steps over them.
type versionOrder map[tp][]int64

// knownOffsets collects the version order of every partition of h.
func knownOffsets(h *history.History) versionOrder {
	set := map[tp]map[int64]bool{}
	add := func(k tp, o int64) {
		if set[k] == nil {
			set[k] = map[int64]bool{}
		}
		set[k][o] = true
	}
	for _, r := range h.OfKind(history.Append, history.PublishAck, history.Deliver, history.Poll) {
		k := tp{r.Topic, r.Partition}
		switch r.Kind {
		case history.Append, history.PublishAck, history.Deliver:
			if r.Offset != history.OffsetUnknown {
				add(k, r.Offset)
			}
		case history.Poll:
			for o := r.Offset; o < r.Offset+int64(r.Count); o++ {
				add(k, o)
			}
		}
	}
	txns := transactions(h)
	vo := versionOrder{}
	for k, os := range set {
		s := make([]int64, 0, len(os))
		for o := range os {
			if txns.skipped(tpo{k, o}) {
				continue
			}
			s = append(s, o)
		}
		slices.Sort(s)
		vo[k] = s
	}
	return vo
}

// between returns how many known offsets of k lie strictly between lo and
// hi.
func (vo versionOrder) between(k tp, lo, hi int64) int {
	s := vo[k]
	i, _ := slices.BinarySearch(s, lo+1)
	j, _ := slices.BinarySearch(s, hi)
	return max(j-i, 0)
}
