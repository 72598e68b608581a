package checks

import (
	"fmt"
	"sort"

	"github.com/evsim/evsim/model/history"
)

// BoundedLag checks liveness after the faults heal: by the end of the run
// (the heal-and-converge phase is bounded by the scenario's drain), every
// consumer group has consumed everything published to its topic. A run
// that drained (the End record's Drained) holds. One that did not is
// judged from the records: a log group lags on a partition whose last
// committed offset is below the end of the log (records a leader change
// cut from it left out), a queue group on a
// message it neither acknowledged nor dead-lettered. When no group lags
// by its records, something else kept the run from draining (a producer,
// a read model: bounded-staleness judges those), and the verdict is
// unknown; so is it with no consumer group, with nothing appended to a
// consumed topic, or without an End record. Its witness is the end of the
// run and, for the group and partition furthest behind, its last delivery
// and handler error.
func BoundedLag(h *history.History) Result { return boundedLag(NewJudgement(h)) }

func boundedLag(j *Judgement) Result {
	h := j.h
	res := Result{Check: "bounded-lag"}
	// A first pass in place finds the end and the topics appended to: a
	// run that drained needs nothing more.
	end := -1
	var appendedTo symSet
	for i, r := range h.Compact(history.Append, history.End) {
		if r.KindCode() == codeEnd {
			end = i
		} else {
			appendedTo.add(r.Topic)
		}
	}
	subs := j.subscriptions()
	consumed := false
	for topic, ss := range subs {
		if y, ok := h.Lookup(topic); ok && len(ss) > 0 && appendedTo.has(y) {
			consumed = true
		}
	}
	switch {
	case len(subs) == 0:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no consumer group subscribes to a topic (read models are judged by bounded-staleness)."
		return res
	case end < 0:
		res.Verdict = Unknown
		res.Explanation = "The history has no end record, so it cannot say whether the groups caught up."
		return res
	case !consumed:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: nothing was appended to a topic a consumer group subscribes to, so no group could lag."
		return res
	}
	e := h.At(end)
	if e.Drained {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Every group had consumed everything published to its topic by the end of the run (%s).", at(e.At))
		return res
	}
	ends := map[tp]int64{}
	committed := map[gtp]int64{}
	settled := map[[2]string]bool{} // queue group, event
	appended := map[string][]string{}
	lastDeliver := map[gtp]int{}
	lastError := map[gtp]int{}
	errors := map[gtp]int{}
	cut := truncatedAppends(h) // cut from the log by a leader change: never part of it
	for i, r := range h.OfKind(history.Append, history.OffsetCommit, history.Ack, history.DeadLetter, history.Deliver,
		history.HandlerError) {
		switch r.Kind {
		case history.Append:
			if cut[i] {
				continue
			}
			k := tp{r.Topic, r.Partition}
			ends[k] = max(ends[k], r.Offset+1)
			appended[r.Topic] = append(appended[r.Topic], r.Event)
		case history.OffsetCommit:
			if commitTaken(r) {
				committed[gtp{r.Group, tp{r.Topic, r.Partition}}] = r.Offset
			}
		case history.Ack, history.DeadLetter:
			settled[[2]string{r.Group, r.Event}] = true
		case history.Deliver:
			lastDeliver[gtp{r.Group, tp{r.Topic, r.Partition}}] = i
		case history.HandlerError:
			k := gtp{r.Group, tp{r.Topic, r.Partition}}
			lastError[k] = i
			errors[k]++
		}
	}
	var worst gtp
	var worstLag int64 = -1
	var queueBehind string
	var queueLag int
	topics := make([]string, 0, len(subs))
	for topic := range subs {
		topics = append(topics, topic)
	}
	sort.Strings(topics)
	for _, topic := range topics {
		ss := subs[topic]
		for _, s := range ss {
			if s.queue {
				n := 0
				for _, ev := range appended[topic] {
					if !settled[[2]string{s.group, ev}] {
						n++
					}
				}
				if n > queueLag {
					queueBehind, queueLag = s.group, n
				}
				continue
			}
			for k, n := range ends {
				if k.topic != topic {
					continue
				}
				g := gtp{s.group, k}
				lag := n - committed[g]
				if lag <= 0 {
					continue
				}
				// Prefer a partition where the handler failed: that is
				// where the group is stuck.
				better := errors[g] > 0 && errors[worst] == 0 || (errors[g] > 0) == (errors[worst] > 0) &&
					(lag > worstLag || lag == worstLag && (g.topic < worst.topic || g.topic == worst.topic && g.partition < worst.partition))
				if worstLag < 0 || better {
					worst, worstLag = g, lag
				}
			}
		}
	}
	if worstLag < 0 && queueLag == 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("The run ended at %s without draining, but by its records every consumer group had committed or settled everything appended to its topic: what kept the run from draining was not a group's position (a producer with requests in flight, a read model, a member down or a rebalance under way).",
			at(e.At))
		return res
	}
	res.Verdict = Violated
	if worstLag < 0 {
		res.Witness = pickRecords(h, end)
		res.Explanation = fmt.Sprintf("When the run ended at %s, after the faults had stopped, queue group %s still had %s neither acknowledged nor dead-lettered.",
			at(e.At), queueBehind, plural(queueLag, "message", "messages"))
		return res
	}
	d, hasD := lastDeliver[worst]
	x, hasX := lastError[worst]
	if !hasD {
		d = -1
	}
	if !hasX {
		x = -1
	}
	res.Witness = pickRecords(h, d, x, end)
	res.Explanation = fmt.Sprintf("When the run ended at %s, after the faults had stopped, group %s was still %s behind on %s/%d.",
		at(e.At), worst.group, plural(int(worstLag), "event", "events"), worst.topic, worst.partition)
	if hasX {
		r := h.At(x)
		res.Explanation += fmt.Sprintf(" Its handler had failed %s there, the last time on %s (%s, attempt %d at %s): retrying one event forever blocks every event behind it in the partition. Retry a bounded number of times, then park the event in a dead-letter queue.",
			plural(errors[worst], "time", "times"), r.Event, r.ErrorKind, r.Attempt, at(r.At))
	} else if hasD {
		r := h.At(d)
		res.Explanation += fmt.Sprintf(" Its last delivery there was %s (offset %d) at %s.", r.Event, r.Offset, at(r.At))
	}
	return res
}
