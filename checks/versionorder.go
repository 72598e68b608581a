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

// knownOffsets collects the version order of every partition of h. It
// reads the records in place, gathers each partition's offsets by
// symbol, and sorts them once.
func knownOffsets(h *history.History) versionOrder {
	offsets := map[uint64][]int64{} // by partKey, with repeats
	var cur []int64
	var curKey uint64
	started := false
	for _, r := range h.Compact(history.Append, history.PublishAck, history.Deliver, history.Poll) {
		if k := partKey(r.Topic, r.Partition); !started || k != curKey {
			if started {
				offsets[curKey] = cur
			}
			cur, curKey, started = offsets[k], k, true
		}
		if r.KindCode() == codePoll {
			for o := r.Offset; o < r.Offset+int64(r.Count); o++ {
				cur = append(cur, o)
			}
		} else if r.Offset != history.OffsetUnknown {
			cur = append(cur, r.Offset)
		}
	}
	if started {
		offsets[curKey] = cur
	}
	txns := transactions(h)
	vo := versionOrder{}
	for k, os := range offsets {
		if len(os) == 0 {
			continue
		}
		slices.Sort(os)
		os = slices.Compact(os)
		part := tp{h.Str(history.Sym(k >> 32)), int(int32(uint32(k)))}
		s := os[:0]
		for _, o := range os {
			if !txns.skipped(tpo{part, o}) {
				s = append(s, o)
			}
		}
		vo[part] = s
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
