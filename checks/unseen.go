package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// Unseen checks that, by the end of the run, every acknowledged event of a
// topic with subscribers was read by some consumer (Jepsen's :unseen,
// which is an error only if anything remains at the end). As Jepsen's,
// it judges by the events read, not by the offsets: an event counts as
// read when a delivery names it or a poll returned it (the event appended
// last, before the poll, at an offset the poll covers), so that an
// acknowledged event a leader change cut from the log, its offset read
// later holding another event, stays unseen. Jepsen judges
// it after its final reads have caught up: here, an event still unread is
// a violation only if the run drained (the End record's Drained);
// otherwise the run ended before the consumers caught up and the verdict
// is unknown (lost-write judges an unread event below one that was read).
// A send of a transaction that aborted did not succeed and is left out.
// With no acknowledged event of a consumed topic there is nothing to
// judge. Its witness is the first unseen acknowledgement and the end of
// the run.
func Unseen(h *history.History) Result { return unseenJ(NewJudgement(h)) }

// unseenJ is [Unseen] within a judgement, which shares the subscriptions
// and the reads of each partition. It compares the records' symbols in
// place and unpacks only the records its witness names.
func unseenJ(j *Judgement) Result {
	h := j.h
	res := Result{Check: "unseen"}
	var consumed symSet // the topics with subscribers
	for topic, ss := range j.subscriptions() {
		if y, ok := h.Lookup(topic); ok && len(ss) > 0 {
			consumed.add(y)
		}
	}
	rl := j.readLog()
	txns := j.transactions()
	var unseen, acked int
	first, end := -1, -1
	drained := false
	ackedIn := map[history.Sym]*symSet{} // by topic: an event id sent to two topics is an event of each
	for i, r := range h.Compact(history.PublishAck, history.End) {
		switch r.KindCode() {
		case codePublishAck:
			if !consumed.has(r.Topic) || r.Offset == history.OffsetUnknown || txns.abortedRecord(h, r) {
				continue
			}
			if ackedEvent := symSetOf(ackedIn, r.Topic); ackedEvent.has(r.Event) {
				continue
			} else {
				ackedEvent.add(r.Event)
			}
			acked++
			if !rl.returned(r.Topic, r.Event, r.Partition, r.Offset) {
				unseen++
				if first < 0 {
					first = i
				}
			}
		case codeEnd:
			end, drained = i, r.Drained()
		}
	}
	switch {
	case acked == 0:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no acknowledged event of a topic that a consumer group subscribes to."
		return res
	case unseen == 0:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Every one of the %d acknowledged events was read by a consumer.", acked)
		return res
	case !drained:
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("%s not read yet when the run ended before the consumers caught up, so none is known to stay unseen.",
			plural(unseen, "acknowledged event was", "acknowledged events were"))
		return res
	}
	res.Verdict = Violated
	r := h.At(first)
	res.Witness = pickRecords(h, first, end)
	res.Explanation = fmt.Sprintf("By the end of the run, which drained, %s acknowledged by the broker had never been read by any consumer; the first is %s at %s/%d offset %d (acknowledged at %s).",
		plural(unseen, "event", "events"), r.Event, r.Topic, r.Partition, r.Offset, at(r.At))
	if p := rl.of(partKey(h.Record(first).Topic, int32(r.Partition))); p != nil && p.highest < r.Offset {
		b := h.At(p.by)
		res.Explanation += fmt.Sprintf(" Reads of that partition stopped at offset %d (%s at %s): the partition stalled there.", p.highest, b.Node, at(b.At))
	} else if p.wasRead(r.Offset) {
		res.Explanation += fmt.Sprintf(" Offset %d was read, but it held another event then: the log no longer had the acknowledged one (a leader that had it was replaced by one that did not).", r.Offset)
	}
	return res
}
