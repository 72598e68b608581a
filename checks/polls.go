package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// pollStep is one poll of a consumer compared with its previous poll of
// the partition. A consumer is Jepsen's process for the poll checks: one
// member of a group, in one incarnation (its crashes, leaves and restarts
// count them), in one generation (each rebalance hands out a new
// assignment), reading one partition. A crash, a leave (a static member's
// clean shutdown keeps its generation) or a rebalance makes a new
// consumer, which starts from the committed offset: re-reading then is expected, and
// group-reread reports it.
type pollStep struct {
	prev, cur int   // indexes of the consumer's previous poll and of this one
	leftOff   int64 // the last offset the previous poll read
	offset    int64 // the first offset this poll read
}

// pollSteps walks the polls that read something and calls f for each
// that is not its consumer's first: Jepsen's successive operations of one
// process on one key. It keeps each member's consumers by partition
// number, hashing a member's incarnation and assignment (group, topic,
// generation) only when they change from its previous poll.
func pollSteps(h *history.History, f func(s pollStep)) {
	type assignment struct {
		group, topic history.Sym
		generation   int32
	}
	type consumers struct {
		node        history.Sym
		incarnation int32
		assignment
	}
	// last is a consumer's previous poll: rec is 1 + its index (0: none).
	type last struct {
		rec     int32
		leftOff int64
	}
	// member is where a member is: its incarnation (its crashes so far)
	// and the assignment of its previous poll, whose consumers are
	// sets[set-1] (set 0: none yet in this incarnation).
	type member struct {
		incarnation, set int32
		cur              assignment
	}
	var ms []member
	members := map[history.Sym]int{} // index in ms, by node: a uint32 key hashes fast
	memberOf := func(node history.Sym) *member {
		x, ok := members[node]
		if !ok {
			ms = append(ms, member{})
			x = len(ms) - 1
			members[node] = x
		}
		return &ms[x]
	}
	var sets []partSlots[last]
	all := map[consumers]int32{} // index of the set, in sets
	for i, r := range h.Compact(history.Crash, history.Leave, history.Restart, history.Poll) {
		switch r.KindCode() {
		case codeCrash, codeLeave, codeRestart:
			m := memberOf(r.Node)
			m.incarnation++ // its consumers after a crash or a leave are new ones
			m.set = 0
		case codePoll:
			if r.Count <= 0 {
				continue
			}
			m := memberOf(r.Node)
			if a := (assignment{r.Group, r.Topic, r.Generation}); m.set == 0 || a != m.cur {
				k := consumers{r.Node, m.incarnation, a}
				x, ok := all[k]
				if !ok {
					sets = append(sets, partSlots[last]{})
					x = int32(len(sets))
					all[k] = x
				}
				m.set, m.cur = x, a
			}
			s := sets[m.set-1].slot(r.Partition)
			prev := *s
			*s = last{int32(i + 1), r.Offset + int64(r.Count) - 1}
			if prev.rec != 0 {
				f(pollStep{int(prev.rec) - 1, i, prev.leftOff, r.Offset})
			}
		}
	}
}

// consumerName says which consumer read r.
func consumerName(r history.Entry) string {
	return fmt.Sprintf("%s of group %s (generation %d)", r.Node, r.Group, r.Generation)
}

// NonmonotonicPoll checks that each consumer (a member between crashes,
// in one generation) starts every poll of a partition beyond where its
// previous poll of it ended (Jepsen's :nonmonotonic-poll). A re-read
// after a crash or a rebalance comes from a new consumer and is not
// judged here (group-reread shows it). Its witness is the two polls.
func NonmonotonicPoll(h *history.History) Result {
	const name = "nonmonotonic-poll"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	var steps, back int
	pollSteps(h, func(s pollStep) {
		steps++
		if s.offset > s.leftOff {
			return
		}
		back++
		if res.Witness != nil {
			return
		}
		r, p := h.At(s.cur), h.At(s.prev)
		res.Witness = pickRecords(h, s.prev, s.cur)
		res.Explanation = fmt.Sprintf("%s read %s/%d up to offset %d (at %s), then its next poll started at offset %d (at %s): it went back within one assignment, with no crash or rebalance in between to explain it. A consumer that seeks back (to retry a failed record, say) delivers records again.",
			consumerName(r), r.Topic, r.Partition, s.leftOff, at(p.At), r.Offset, at(r.At))
	})
	if steps == 0 {
		return notApplicable(name, "no consumer (a member between crashes, in one generation) polled a partition twice.")
	}
	if back > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s went back.", plural(back, "poll", "polls"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d successive polls of a partition by one consumer (a member between crashes, in one generation) started beyond where its previous poll ended.", steps)
	return res
}

// PollSkip checks that each consumer (a member between crashes, in one
// generation) never jumps over a record when it polls a partition again
// (Jepsen's :poll-skip): between the last offset of its previous poll and
// the first of the next, no offset is known to hold a record (appended,
// acknowledged or read by anyone). A jump means records the consumer
// never saw, typically deleted by retention before a lagging group got to
// them. Its witness is the two polls.
func PollSkip(h *history.History) Result {
	const name = "poll-skip"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	var vo versionOrder // read when a poll first jumps forward
	var steps, skips, missed int
	pollSteps(h, func(s pollStep) {
		steps++
		if s.offset <= s.leftOff+1 {
			return
		}
		if vo == nil {
			vo = knownOffsets(h)
		}
		c := h.Record(s.cur)
		n := vo.between(tp{h.Str(c.Topic), int(c.Partition)}, s.leftOff, c.Offset)
		if n == 0 {
			return
		}
		skips++
		missed += n
		if res.Witness != nil {
			return
		}
		r, p := h.At(s.cur), h.At(s.prev)
		res.Witness = pickRecords(h, s.prev, s.cur)
		res.Explanation = fmt.Sprintf("%s read %s/%d up to offset %d (at %s), and its next poll started at offset %d (at %s): it skipped %s that the log held between them. Typically the broker no longer had them (retention deleted them while the group lagged) and reset the position to the oldest record it kept.",
			consumerName(r), r.Topic, r.Partition, s.leftOff, at(p.At), r.Offset, at(r.At), plural(n, "record", "records"))
	})
	if steps == 0 {
		return notApplicable(name, "no consumer (a member between crashes, in one generation) polled a partition twice.")
	}
	if skips > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s skipped %d records in all. Keep retention longer than the worst lag, and alert on lag.", plural(skips, "poll", "polls"), missed)
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d successive polls of a partition by one consumer (a member between crashes, in one generation) went on from where its previous poll ended or before.", steps)
	return res
}
