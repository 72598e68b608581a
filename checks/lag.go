package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// BoundedLag checks liveness after the faults heal: by the end of the run
// (the heal-and-converge phase is bounded by the scenario's drain), every
// group has consumed everything published to its topic (the End record's
// Drained). Its witness is the end of the run and, for the group and
// partition furthest behind, its last delivery and handler error.
func BoundedLag(h *history.History) Result {
	res := Result{Check: "bounded-lag"}
	end := -1
	ends := map[tp]int64{}
	committed := map[gtp]int64{}
	settled := map[[2]string]bool{} // queue group, event
	appended := map[string][]string{}
	lastDeliver := map[gtp]int{}
	lastError := map[gtp]int{}
	errors := map[gtp]int{}
	for i, r := range h.Records {
		switch r.Kind {
		case history.Append:
			k := tp{r.Topic, r.Partition}
			ends[k] = max(ends[k], r.Offset+1)
			appended[r.Topic] = append(appended[r.Topic], r.Event)
		case history.OffsetCommit:
			committed[gtp{r.Group, tp{r.Topic, r.Partition}}] = r.Offset
		case history.Ack, history.DeadLetter:
			settled[[2]string{r.Group, r.Event}] = true
		case history.Deliver:
			lastDeliver[gtp{r.Group, tp{r.Topic, r.Partition}}] = i
		case history.HandlerError:
			k := gtp{r.Group, tp{r.Topic, r.Partition}}
			lastError[k] = i
			errors[k]++
		case history.End:
			end = i
		}
	}
	if end < 0 {
		if len(ends) == 0 {
			res.Verdict = Holds
			res.Explanation = "Nothing was appended, so no group can lag."
			return res
		}
		res.Verdict = Unknown
		res.Explanation = "The history has no end record, so it cannot say whether the groups caught up."
		return res
	}
	e := h.Records[end]
	if e.Drained {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Every group had consumed everything published to its topic by the end of the run (%s).", at(e.At))
		return res
	}
	res.Verdict = Violated
	var worst gtp
	var worstLag int64 = -1
	var queueBehind string
	var queueLag int
	for topic, ss := range subscriptions(h) {
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
	if worstLag < 0 {
		res.Witness = pickRecords(h, end)
		res.Explanation = fmt.Sprintf("When the run ended at %s, after the faults had stopped, the groups had not caught up", at(e.At))
		if queueLag > 0 {
			res.Explanation += fmt.Sprintf(": queue group %s still had %s neither acknowledged nor dead-lettered", queueBehind, plural(queueLag, "message", "messages"))
		}
		res.Explanation += "."
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
		r := h.Records[x]
		res.Explanation += fmt.Sprintf(" Its handler had failed %s there, the last time on %s (%s, attempt %d at %s): retrying one event forever blocks every event behind it in the partition. Retry a bounded number of times, then park the event in a dead-letter queue.",
			plural(errors[worst], "time", "times"), r.Event, r.Point, r.Attempt, at(r.At))
	} else if hasD {
		r := h.Records[d]
		res.Explanation += fmt.Sprintf(" Its last delivery there was %s (offset %d) at %s.", r.Event, r.Offset, at(r.At))
	}
	return res
}
