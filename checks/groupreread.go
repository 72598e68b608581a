package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// groupStep is one poll of a group's partition compared with what the
// group had read of it before.
type groupStep struct {
	prev, cur int   // indexes of the previous poll (the furthest read so far) and of this one
	leftOff   int64 // the highest offset the group had read before this poll
	offset    int64 // the first offset this poll read
	count     int32 // the number of records it read
}

// groupSteps walks the polls of every group and calls f for each poll
// that reads something and is not the group's first read of its
// partition. Here the group is the reader: its members take turns owning
// a partition, and what one reads the others need not read again. It
// keeps each group's topic by symbols and its partitions by number,
// hashing only when the group or topic changes from one poll to the next.
func groupSteps(h *history.History, f func(s groupStep)) {
	// state is what the group read of a partition: by is 1 + the index of
	// the poll that read furthest (0: none yet).
	type state struct {
		leftOff int64
		by      int32
	}
	var sets []partSlots[state]
	topics := map[uint64]int{} // 1 + index in sets, by symPair(group, topic)
	cur, curKey := 0, uint64(0)
	for i, r := range h.Compact(history.Poll) {
		if r.Count <= 0 {
			continue
		}
		if k := symPair(r.Group, r.Topic); cur == 0 || k != curKey {
			if cur = topics[k]; cur == 0 {
				sets = append(sets, partSlots[state]{})
				cur = len(sets)
				topics[k] = cur
			}
			curKey = k
		}
		last := r.Offset + int64(r.Count) - 1
		st := sets[cur-1].slot(r.Partition)
		if st.by == 0 {
			*st = state{last, int32(i + 1)}
			continue
		}
		before := *st
		if last > st.leftOff {
			*st = state{last, int32(i + 1)}
		}
		f(groupStep{int(before.by) - 1, i, before.leftOff, r.Offset, r.Count})
	}
}

// between returns the index of the first crash, expire, leave or
// rebalance of group g between indexes a and b, or -1.
func between(h *history.History, g history.Sym, a, b int) int {
	for i := a + 1; i < b; i++ {
		switch r := h.Record(i); r.KindCode() {
		case codeCrash, codeExpire, codeLeave, codeRebalance:
			if r.Group == g {
				return i
			}
		}
	}
	return -1
}

// GroupReread checks that a group never reads a partition again from an
// offset it has already read, whichever member reads it. Every such
// re-read is a redelivery, the price of work that was done (or fetched)
// but not committed when a member crashed or a rebalance moved the
// partition: Kafka allows it, and Jepsen's nonmonotonic-poll, judged per
// consumer, does not count it. It is opt-in: it shows how much work a
// group redoes. Its witness is the furthest read before, the cause
// between, and the re-read.
func GroupReread(h *history.History) Result {
	const name = "group-reread"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	var steps, back int
	var again int64
	groupSteps(h, func(s groupStep) {
		steps++
		if s.offset > s.leftOff {
			return
		}
		back++
		again += min(s.leftOff, s.offset+int64(s.count)-1) - s.offset + 1
		if res.Witness != nil {
			return
		}
		r, p := h.At(s.cur), h.At(s.prev)
		c := between(h, h.Record(s.cur).Group, s.prev, s.cur)
		res.Witness = pickRecords(h, s.prev, c, s.cur)
		cause := ""
		if c >= 0 {
			x := h.At(c)
			switch x.Kind {
			case history.Crash:
				cause = fmt.Sprintf(" %s crashed at %s (%s) in between, and the group resumed from its committed offset.", x.Node, x.CrashPoint, at(x.At))
			case history.Expire:
				cause = fmt.Sprintf(" In between the group removed %s (%s) for missing its heartbeats, and the partition went back to the committed offset.", x.Node, at(x.At))
				if x.LeaveReason == history.ExpireOffsetsRetention {
					cause = fmt.Sprintf(" In between %s deleted the group's committed offsets (%s) after the group had been empty for its offsets retention, and the partition started again from the offset reset.", x.Node, at(x.At))
				}
			case history.Leave:
				cause = fmt.Sprintf(" In between %s left the group (%s).", x.Node, at(x.At))
				if x.LeaveReason == history.LeavePollTimeout {
					cause = fmt.Sprintf(" In between %s left the group (%s) for holding its batch longer than its max poll interval.", x.Node, at(x.At))
				}
			default:
				cause = fmt.Sprintf(" In between the group rebalanced (generation %d at %s), and the partition's new owner started from the committed offset.", x.Generation, at(x.At))
			}
		}
		res.Explanation = fmt.Sprintf("Group %s read %s/%d up to offset %d (%s at %s), then read it again from offset %d (%s at %s).%s Every record read before and not committed is delivered again.",
			r.Group, r.Topic, r.Partition, s.leftOff, p.Node, at(p.At), r.Offset, r.Node, at(r.At), cause)
	})
	if steps == 0 {
		return notApplicable(name, "no group read a partition twice.")
	}
	if back > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s went back, re-reading %d records in all. Commit what is handled before a partition moves (commit after each record, or on revoke) and shut members down cleanly.",
			plural(back, "poll", "polls"), again)
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d polls after a group's first read of a partition started beyond what the group had read.", steps)
	return res
}
