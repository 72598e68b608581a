package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// LostWrite checks that no acknowledged event below the highest offset
// read in its partition went unread by everyone (Jepsen's :lost-write):
// the consumers moved past it without seeing it. As Jepsen's, it judges
// by the events read (see [Unseen]): an acknowledged event whose offset
// was read holding another event, after a leader change cut it from the
// log, is lost. Only partitions that
// were read are judged; a send of a transaction that aborted did not
// succeed and is left out. Its witness is the acknowledgement and the read
// of a higher offset.
func LostWrite(h *history.History) Result { return lostWrite(NewJudgement(h)) }

// lostWrite is [LostWrite] within a judgement, which shares the reads of
// each partition. It compares the records' symbols in place and unpacks
// only the records its witness names.
func lostWrite(j *Judgement) Result {
	const name = "lost-write"
	h := j.h
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	rl := j.readLog()
	txns := j.transactions()
	var lost, judged int
	for i, r := range h.Compact(history.PublishAck) {
		if r.Offset == history.OffsetUnknown || txns.abortedRecord(h, r) {
			continue // a send of an aborted transaction did not succeed
		}
		p := rl.of(partKey(r.Topic, r.Partition))
		if p == nil {
			continue
		}
		judged++
		if r.Offset >= p.highest || rl.returned(r.Topic, r.Event, r.Partition, r.Offset) {
			continue
		}
		lost++
		if res.Witness == nil {
			a, b := h.At(i), h.At(p.by)
			res.Witness = pickRecords(h, i, p.by)
			res.Explanation = fmt.Sprintf("Event %s was acknowledged at %s/%d offset %d (%s), and offset %d of that partition was read (%s by %s), but no consumer ever read %s.",
				a.Event, a.Topic, a.Partition, a.Offset, at(a.At), p.highest, at(b.At), b.Node, a.Event)
			if p.wasRead(a.Offset) {
				res.Explanation += fmt.Sprintf(" Offset %d was read, but it held another event then: the log no longer had %s (a leader that had it was replaced by one that did not).", a.Offset, a.Event)
			} else {
				res.Explanation += fmt.Sprintf(" The readers' positions jumped over offset %d: typically retention deleted it before a lagging group got there, and the group's position was reset past it.", a.Offset)
			}
		}
	}
	if judged == 0 {
		return notApplicable(name, "no acknowledged event is in a partition that was read.")
	}
	if lost > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" In all, %s never read although later offsets were.", plural(lost, "acknowledged event was", "acknowledged events were"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Every one of the %d acknowledged events of a partition that was read is read or above the highest offset read.", judged)
	return res
}
