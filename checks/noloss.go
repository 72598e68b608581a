package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// NoLoss checks that every event the broker acknowledged is applied, or
// parked in a dead-letter queue, by every service of every group
// subscribed to its topic. An unaccounted event is lost for good if the
// group committed an offset past it (or, in a queue subscription,
// acknowledged it) or if the run drained; otherwise the run ended too early
// to tell, and the verdict is unknown. A dedup step that skips an event
// counts as applying it only if an effect of that event was committed by
// the same group and service before it: a dedup of an id marked without
// its effect (marked before a failure or a crash, or before a fenced
// transaction) applies nothing. A consume-transform-produce loop applies
// an event by writing its output (an append naming it as Input) in a
// committed transaction. An acknowledged send of a transaction that
// aborted is not in the committed log, and no group is to apply it. With
// no acknowledged event of a consumed topic there is nothing to judge,
// and the verdict is unknown.
func NoLoss(h *history.History) Result { return noLoss(NewJudgement(h)) }

func noLoss(j *Judgement) Result {
	h := j.h
	res := Result{Check: "no-loss"}
	subs := j.subscriptions()
	txns := j.transactions()
	// commit is a group's last offset commit of a partition (ok: one
	// was taken).
	type commit struct {
		offset int64
		ok     bool
	}
	// ackOf is an acknowledged event's first acknowledgement: its index
	// and its topic and event, kept from the pass that finds it; its
	// partition and offset are read again only for an event some
	// subscriber did not account for.
	type ackOf struct {
		i            int32
		topic, event history.Sym
	}
	nAcks := h.Count(history.PublishAck)
	acked := make([]ackOf, 0, nAcks)
	// sets of events by symbol
	ackedIn := map[history.Sym]*symSet{}      // by topic: an event id sent to two topics is an event of each
	accounted := map[[2]history.Sym]*symSet{} // by group and service
	deadInGroup := map[history.Sym]*symSet{}  // by group: dead-lettered by the broker
	queueAcked := map[history.Sym]*symSet{}   // by group
	// committed holds the commits of each group's topic, by
	// symPair(group, topic), then by partition.
	committed := map[uint64]*partSlots[commit]{}
	var commits *partSlots[commit]
	var commitsOf uint64
	var fx *symSet // the effects of the group and service fxOf
	var fxOf [2]history.Sym
	drained := false
	kinds := []history.Kind{history.PublishAck, history.Effect, history.DeadLetter, history.Ack, history.OffsetCommit, history.End}
	if len(txns.fate) > 0 {
		kinds = append(kinds, history.Append) // an output of a transaction accounts for its input
	}
	for i, r := range h.Compact(kinds...) {
		switch r.KindCode() {
		case codePublishAck:
			if txns.abortedRecord(h, r) {
				continue // not in the committed log: no group is to apply it
			}
			if ackedEvent := symSetOf(ackedIn, r.Topic); !ackedEvent.has(r.Event) {
				ackedEvent.add(r.Event)
				acked = append(acked, ackOf{int32(i), r.Topic, r.Event})
			}
		case codeEffect:
			// A dedup after this effect is accounted for by the effect.
			if k := [2]history.Sym{r.Group, h.Service(r)}; fx == nil || k != fxOf {
				fx, fxOf = symSetOf(accounted, k), k
			}
			fx.add(r.Event)
		case codeAppend:
			if in := h.InputOf(r); in != 0 && txns.fate[tpo{tp{h.Str(r.Topic), int(r.Partition)}, r.Offset}] == fateCommitted {
				symSetOf(accounted, [2]history.Sym{r.Group, h.Service(r)}).add(in)
			}
		case codeDeadLetter:
			symSetOf(accounted, [2]history.Sym{r.Group, h.Service(r)}).add(r.Event)
			symSetOf(deadInGroup, r.Group).add(r.Event)
		case codeAck:
			symSetOf(queueAcked, r.Group).add(r.Event)
		case codeOffsetCommit:
			if r.Outcome() != history.OutcomeUnknown { // see commitTaken
				if k := symPair(r.Group, r.Topic); commits == nil || k != commitsOf {
					if commits = committed[k]; commits == nil {
						commits = new(partSlots[commit])
						committed[k] = commits
					}
					commitsOf = k
				}
				*commits.slot(r.Partition) = commit{r.Offset, true}
			}
		case codeEnd:
			drained = r.Drained()
		}
	}
	// subSym is a subscriber's group and service as symbols; ok is false
	// when no record names them (then no record accounts for anything of
	// it).
	type subSym struct {
		group, service history.Sym
		ok             bool
	}
	symOf := func(s subscriber) subSym {
		g, ok1 := h.Lookup(s.group)
		v, ok2 := h.Lookup(s.service)
		return subSym{g, v, ok1 && ok2}
	}
	// subOf is a subscriber with its symbols and the sets of events
	// that account for an event of it (nil: none).
	type subOf struct {
		s                        subscriber
		ss                       subSym
		accounted, dead, acksOfQ *symSet
	}
	// by topic symbol: a topic no record names has no acknowledged event
	subsOf := make(map[history.Sym][]subOf, len(subs))
	for t, list := range subs {
		y, ok := h.Lookup(t)
		if !ok {
			continue
		}
		for _, s := range list {
			ss := symOf(s)
			x := subOf{s: s, ss: ss}
			if ss.ok {
				x.accounted, x.dead, x.acksOfQ = accounted[[2]history.Sym{ss.group, ss.service}], deadInGroup[ss.group], queueAcked[ss.group]
			}
			subsOf[y] = append(subsOf[y], x)
		}
	}
	var lost, pending, consumed int
	var lostEvents int // the events lost, to one subscriber or more
	var topic history.Sym
	var topicSubs []subOf
	var rec history.Record // the acknowledgement judged, once read
	var read bool
	for n := range acked {
		ack := &acked[n]
		i := int(ack.i)
		if n == 0 || ack.topic != topic {
			topic, topicSubs = ack.topic, subsOf[ack.topic]
		}
		if len(topicSubs) > 0 {
			consumed++
		}
		read = false
		lostBefore := lost
		for xi := range topicSubs {
			x := &topicSubs[xi]
			ss := &x.ss
			if ss.ok && (x.accounted.has(ack.event) || x.dead.has(ack.event)) {
				continue
			}
			var skipped bool
			if x.s.queue {
				skipped = ss.ok && x.acksOfQ.has(ack.event)
			} else {
				if !read {
					rec, read = h.Record(i), true
				}
				var c commit
				if cs := committed[symPair(ss.group, ack.topic)]; cs != nil {
					c = cs.get(rec.Partition)
				}
				skipped = ss.ok && c.ok && rec.Offset != history.OffsetUnknown && c.offset > rec.Offset
			}
			if !skipped && !drained {
				pending++
				continue
			}
			lost++
			if lost == lostBefore+1 {
				lostEvents++
			}
			if res.Witness == nil {
				res.Witness, res.Explanation = lossStory(h, i, x.s, skipped)
			}
		}
	}
	switch {
	case consumed == 0:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no acknowledged event of a topic that a consumer group subscribes to."
	case lost > 0:
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %d acknowledged event(s) in all were lost", lostEvents)
		if lost > lostEvents {
			res.Explanation += fmt.Sprintf(" (%d losses: some to several subscribers)", lost)
		}
		res.Explanation += "."
	case pending > 0:
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("%d acknowledged event(s) were not applied yet when the run ended before the groups caught up; nothing was skipped.",
			pending)
	default:
		res.Verdict = Holds
		n := 0
		for _, ss := range subs {
			n += len(ss)
		}
		res.Explanation = fmt.Sprintf("All %d acknowledged events of consumed topics were applied or dead-lettered by each of the %d subscribed group(s).",
			consumed, n)
	}
	return res
}

// truncatedAway returns the index of the append of ack's event at the
// offset it was acknowledged at, if every such append was later truncated
// from its broker's log, or -1.
func truncatedAway(h *history.History, ack history.Entry) int {
	cut := truncatedAppends(h)
	last := -1
	ev, ok1 := h.Lookup(ack.Event)
	topic, ok2 := h.Lookup(ack.Topic)
	if !ok1 || !ok2 {
		return -1 // no append names them
	}
	for j, r := range h.Compact(history.Append) {
		if r.Event == ev && r.Topic == topic && int(r.Partition) == ack.Partition && r.Offset == ack.Offset {
			if !cut[j] {
				return -1
			}
			last = j
		}
	}
	return last
}

// lossStory finds the records that show how the acknowledged event at
// index i was lost to subscription s, and tells it.
func lossStory(h *history.History, i int, s subscriber, skipped bool) ([]history.Entry, string) {
	ack, a := h.At(i), h.Record(i)
	deliver, otherDeliver, fail, dedup, crash, commit, fenced := -1, -1, -1, -1, -1, -1, -1
	var lastDeliverNode history.Sym
	pollBefore, pollAfter := -1, -1
	svc, okSvc := h.Lookup(s.service)
	ofService := func(r *history.Record) bool { return okSvc && h.Service(r) == svc }
	// The group's records, compared in place.
	g, ok := h.Lookup(s.group)
	for j, r := range h.Compact(history.Deliver, history.HandlerError, history.Dedup, history.Fenced,
		history.Crash, history.OffsetCommit, history.Ack, history.Poll) {
		if !ok || r.Group != g {
			continue
		}
		switch r.KindCode() {
		case codeDeliver:
			if r.Event != a.Event {
				continue
			}
			if !ofService(r) {
				otherDeliver = j
				continue
			}
			deliver, crash, lastDeliverNode = j, -1, r.Node
		case codeHandlerError:
			if r.Event == a.Event && fail < 0 && ofService(r) {
				fail = j
			}
		case codeDedup:
			if r.Event == a.Event && dedup < 0 && ofService(r) {
				dedup = j
			}
		case codeFenced:
			if r.Event == a.Event && fenced < 0 && ofService(r) {
				fenced = j
			}
		case codeCrash:
			if deliver >= 0 && crash < 0 && r.Node == lastDeliverNode {
				crash = j
			}
		case codeOffsetCommit:
			if commit < 0 && r.Outcome() != history.OutcomeUnknown && r.Topic == a.Topic && r.Partition == a.Partition && r.Offset > a.Offset {
				commit = j
			}
		case codeAck:
			if commit < 0 && r.Event == a.Event {
				commit = j
			}
		case codePoll:
			if r.Topic != a.Topic || r.Partition != a.Partition {
				continue
			}
			if r.Offset+int64(r.Count) <= a.Offset {
				pollBefore = j
			} else if r.Offset > a.Offset && pollAfter < 0 {
				pollAfter = j
			}
		}
	}
	if ack.Offset == history.OffsetUnknown {
		head := fmt.Sprintf("Event %s was sent with acks=0 at %s (to %s/%d), which counts as a success at once, but %s never applied it",
			ack.Event, at(ack.At), ack.Topic, ack.Partition, s.name())
		if deliver < 0 {
			return pickRecords(h, i), head + ": no consumer ever read it, although the run drained. With acks=0 the producer learns nothing from the broker: a request lost on the way, or a leader that fails before it appends, loses the record and nobody retries it. Use acks=all with retries (the idempotent producer) for writes that must not be lost."
		}
		return pickRecords(h, i, deliver, crash), head + ", although the run drained."
	}
	head := fmt.Sprintf("Event %s was acknowledged at %s (%s/%d offset %d), but %s never applied it",
		ack.Event, at(ack.At), ack.Topic, ack.Partition, ack.Offset, s.name())
	var why string
	// away is truncatedAway of the acknowledgement, looked for once, when
	// a case asks (-2: not yet).
	app := -2
	away := func() int {
		if app == -2 {
			app = truncatedAway(h, ack)
		}
		return app
	}
	switch {
	case dedup >= 0 && fenced >= 0:
		d, f := h.At(dedup), h.At(fenced)
		why = fmt.Sprintf("its id was marked as processed in a step of its own, then %s's effect transaction was rejected by fencing at %s (generation %d was no longer the partition's owner), and when it was delivered again, %s's dedup step skipped it at %s as already processed: no effect of it was ever committed. Mark the id in the effect's own transaction (dedup same-tx), so that a rejected transaction rejects the mark too.",
			f.Node, at(f.At), f.Generation, d.Node, at(d.At))
		return pickRecords(h, i, deliver, fenced, dedup, commit), head + ": " + why
	case dedup >= 0:
		d := h.At(dedup)
		var cause string
		switch {
		case fail >= 0 && fail < dedup:
			f := h.At(fail)
			cause = fmt.Sprintf("its id was marked as processed in a step of its own, then the handler failed on it at %s (%s)", at(f.At), f.ErrorKind)
		case crash >= 0 && crash < dedup:
			c := h.At(crash)
			cause = fmt.Sprintf("its id was marked as processed in a step of its own, then %s crashed at %s (%s) before the effect committed", c.Node, c.CrashPoint, at(c.At))
		default:
			cause = "its id was marked as processed without the effect (in a step of its own before an effect that never committed, or by a handler that skipped an id it had not applied)"
		}
		why = fmt.Sprintf("%s; at %s, %s's dedup step skipped it as already processed, and no effect of it was ever committed. Mark the id in the effect's own transaction (dedup same-tx): either both happen or neither.",
			cause, at(d.At), d.Node)
		return pickRecords(h, i, deliver, fail, crash, dedup, commit), head + ": " + why
	case fail >= 0 && skipped:
		f := h.At(fail)
		why = fmt.Sprintf("the handler failed on it at %s (%s), and the consumer moved on without applying it or parking it anywhere. Retry it, and after a few tries send it to a dead-letter queue, where it is accounted for.",
			at(f.At), f.ErrorKind)
		return pickRecords(h, i, deliver, fail, commit), head + ": " + why
	case deliver < 0 && otherDeliver >= 0:
		o := h.At(otherDeliver)
		why = fmt.Sprintf("the group's partitions are shared by several services, and this event went to %s (service %s) instead. Each service that must see every event needs a consumer group of its own (fan-out).",
			o.Node, o.Service)
		return pickRecords(h, i, otherDeliver), head + ": " + why
	case crash >= 0 && commit >= 0 && h.At(commit).Offset == ack.Offset+1 && h.At(commit).Node == h.At(crash).Node:
		c := h.At(crash)
		why = fmt.Sprintf("%s committed the offset past it before handling it, then crashed at %s (%s): the group's committed offset moved past the event, and after the restart the group resumed after it. Commit an offset only after the effect it covers.",
			c.Node, c.CrashPoint, at(c.At))
		return pickRecords(h, i, deliver, commit, crash), head + ": " + why
	case crash >= 0 && commit >= 0 && h.At(commit).Offset > ack.Offset+1:
		c := h.At(crash)
		why = fmt.Sprintf("%s crashed at %s (%s) while it was still handling it, and the group's committed offset had already moved past it (a later record finished first and its offset was committed). Commit only the contiguous prefix of finished records.",
			c.Node, c.CrashPoint, at(c.At))
		return pickRecords(h, i, deliver, crash, commit), head + ": " + why
	case deliver < 0 && away() >= 0:
		app, tr := away(), -1
		ar := h.Record(app)
		for j := app + 1; j < h.Len(); j++ {
			if r := h.Record(j); r.KindCode() == codeTruncate && r.Node == ar.Node && r.Topic == ar.Topic && r.Partition == ar.Partition && r.Offset <= ar.Offset {
				tr = j
				break
			}
		}
		a, t := h.At(app), h.At(tr)
		cause := "to follow a new leader that never had it (leader epochs)"
		if t.PowerLoss {
			cause = "after a power loss took what it had not flushed to disk"
		}
		why = fmt.Sprintf("the group never read it: %s appended it at offset %d (%s), and at %s truncated its log to offset %d %s. No replica that could lead has it any more, and its offset holds another record or none.",
			a.Node, a.Offset, at(a.At), at(t.At), t.Offset, cause)
		return pickRecords(h, i, app, tr), head + ": " + why
	case deliver < 0 && pollBefore >= 0 && pollAfter >= 0:
		a, b := h.At(pollBefore), h.At(pollAfter)
		why = fmt.Sprintf("the group never read it: it read %s/%d up to offset %d, and its next read started at offset %d. The record was gone (retention deleted it) before the lagging group got there.",
			a.Topic, a.Partition, a.Offset+int64(a.Count)-1, b.Offset)
		return pickRecords(h, i, pollBefore, pollAfter), head + ": " + why
	case skipped && commit >= 0:
		why = "the group's committed offset moved past it, so the group will never read it again."
		return pickRecords(h, i, deliver, crash, commit), head + ": " + why
	}
	why = "although the run drained."
	return pickRecords(h, i, deliver, crash, commit), head + ", " + why
}
