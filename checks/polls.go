package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// pollStep is one poll of a group's partition compared with what the group
// had read of it before.
type pollStep struct {
	prev, cur int   // indexes of the previous poll (the furthest read so far) and of this one
	leftOff   int64 // the highest offset the group had read before this poll
}

// pollSteps walks the polls of every log subscription and calls f for
// each poll that is not the group's first of its partition. The group is
// the process: its members take turns owning a partition, and what one
// reads the others need not read again.
func pollSteps(h *history.History, f func(s pollStep)) {
	type state struct {
		leftOff int64
		by      int
	}
	seen := map[gtp]*state{}
	for i, r := range h.Records {
		if r.Kind != history.Poll {
			continue
		}
		k := gtp{r.Group, tp{r.Topic, r.Partition}}
		last := r.Offset + int64(r.Count) - 1
		st, ok := seen[k]
		if !ok {
			seen[k] = &state{last, i}
			continue
		}
		f(pollStep{st.by, i, st.leftOff})
		if last > st.leftOff {
			st.leftOff, st.by = last, i
		}
	}
}

// between returns the index of the first crash, expire, leave or
// rebalance of group g between indexes a and b, or -1.
func between(h *history.History, g string, a, b int) int {
	for i := a + 1; i < b; i++ {
		switch r := h.Records[i]; r.Kind {
		case history.Crash, history.Expire, history.Leave, history.Rebalance:
			if r.Group == g {
				return i
			}
		}
	}
	return -1
}

// NonmonotonicPoll checks that a group never reads a partition again from
// an offset it has already read (Jepsen's :nonmonotonic-poll, with the
// group as the process): every such re-read is a redelivery, the price of
// work that was done (or fetched) but not committed when a member crashed
// or a rebalance moved the partition. Its witness is the furthest read
// before, the cause between, and the re-read.
func NonmonotonicPoll(h *history.History) Result {
	res := Result{Check: "nonmonotonic-poll"}
	var steps, back int
	var again int64
	pollSteps(h, func(s pollStep) {
		steps++
		r := h.Records[s.cur]
		if r.Offset > s.leftOff {
			return
		}
		back++
		again += min(s.leftOff, r.Offset+int64(r.Count)-1) - r.Offset + 1
		if res.Witness != nil {
			return
		}
		p := h.Records[s.prev]
		c := between(h, r.Group, s.prev, s.cur)
		res.Witness = pickRecords(h, s.prev, c, s.cur)
		cause := ""
		if c >= 0 {
			x := h.Records[c]
			switch x.Kind {
			case history.Crash:
				cause = fmt.Sprintf(" %s crashed at %s (%s) in between, and the group resumed from its committed offset.", x.Node, x.Point, at(x.At))
			case history.Expire:
				cause = fmt.Sprintf(" In between the group removed %s (%s) for missing its heartbeats, and the partition went back to the committed offset.", x.Node, at(x.At))
			case history.Leave:
				cause = fmt.Sprintf(" In between %s left the group (%s).", x.Node, at(x.At))
			default:
				cause = fmt.Sprintf(" In between the group rebalanced (generation %d at %s), and the partition's new owner started from the committed offset.", x.Generation, at(x.At))
			}
		}
		res.Explanation = fmt.Sprintf("Group %s read %s/%d up to offset %d (%s at %s), then read it again from offset %d (%s at %s).%s Every record read before and not committed is delivered again.",
			r.Group, r.Topic, r.Partition, s.leftOff, p.Node, at(p.At), r.Offset, r.Node, at(r.At), cause)
	})
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

// PollSkip checks that a group's successive reads of a partition never
// jump over offsets (Jepsen's :poll-skip, with the group as the process):
// after reading up to offset n, its next read starts at n+1 or earlier.
// A jump means records the group never saw, typically deleted by retention
// before a lagging group got to them. Its witness is the two reads.
func PollSkip(h *history.History) Result {
	res := Result{Check: "poll-skip"}
	var steps, skips int
	var missed int64
	pollSteps(h, func(s pollStep) {
		steps++
		r := h.Records[s.cur]
		if r.Offset <= s.leftOff+1 {
			return
		}
		skips++
		missed += r.Offset - s.leftOff - 1
		if res.Witness != nil {
			return
		}
		p := h.Records[s.prev]
		res.Witness = pickRecords(h, s.prev, s.cur)
		res.Explanation = fmt.Sprintf("Group %s read %s/%d up to offset %d (%s at %s), and its next read started at offset %d (%s at %s): offsets %d to %d, which were in the log, were never read by the group. The broker no longer had them (retention deleted them while the group lagged) and reset the group's position to the oldest record it kept.",
			r.Group, r.Topic, r.Partition, s.leftOff, p.Node, at(p.At), r.Offset, r.Node, at(r.At), s.leftOff+1, r.Offset-1)
	})
	if skips > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s skipped %d records in all. Keep retention longer than the worst lag, and alert on lag.", plural(skips, "read", "reads"), missed)
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d polls after a group's first read of a partition went on from where the group had left off or before.", steps)
	return res
}
