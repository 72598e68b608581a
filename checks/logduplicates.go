package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// LogDuplicates checks that no event is in the log at more offsets than it
// was sent (Jepsen's :duplicate): each Publish of an event is one send, a
// producer's retry (PublishRetry) is not. An event its publisher sends
// twice on purpose, like an outbox relay that publishes again after a
// crash, may be in the log twice; a retry that the broker appended
// although the first request had landed may not. Its witness is the
// publish, the first append, the retry and the extra append.
func LogDuplicates(h *history.History) Result {
	const name = "log-duplicates"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	type where struct {
		tp
		offset int64
	}
	first := map[string]int{}
	publish := map[string]int{}
	sends := map[string]int{}
	offsets := map[string]map[where]bool{}
	var dups, appends int
	cut := truncatedAppends(h)
	for i, r := range h.OfKind(history.Publish, history.Append) {
		if cut[i] {
			continue
		}
		switch r.Kind {
		case history.Publish:
			if _, ok := publish[r.Event]; !ok {
				publish[r.Event] = i
			}
			sends[r.Event]++
		case history.Append:
			appends++
			w := where{tp{r.Topic, r.Partition}, r.Offset}
			if offsets[r.Event] == nil {
				offsets[r.Event] = map[where]bool{}
				first[r.Event] = i
			}
			if offsets[r.Event][w] {
				continue
			}
			offsets[r.Event][w] = true
			if len(offsets[r.Event]) <= max(sends[r.Event], 1) {
				continue
			}
			dups++
			if res.Witness != nil {
				continue
			}
			j := first[r.Event]
			retry := -1
			for x := j + 1; x < i; x++ {
				if q := h.At(x); q.Kind == history.PublishRetry && q.Event == r.Event {
					retry = x
					break
				}
			}
			p, ok := publish[r.Event]
			if !ok {
				p = -1
			}
			a := h.At(j)
			res.Witness = pickRecords(h, p, j, retry, i)
			res.Explanation = fmt.Sprintf("Event %s is in the log %d times although it was sent %s: at %s/%d offset %d (%s) and at %s/%d offset %d (%s).",
				r.Event, len(offsets[r.Event]), plural(sends[r.Event], "time", "times"), a.Topic, a.Partition, a.Offset, at(a.At), r.Topic, r.Partition, r.Offset, at(r.At))
			if retry >= 0 {
				res.Explanation += fmt.Sprintf(" The first request was appended, but its acknowledgement never reached %s, which sent the event again (attempt %d at %s); the broker could not tell the retry from a new record.",
					h.At(retry).Node, h.At(retry).Attempt, at(h.At(retry).At))
				res.Explanation += " The idempotent producer numbers each partition's records, so that the broker drops a retry it already has."
			} else {
				res.Explanation += " The broker appended it more often than its publisher sent it; consumers must recognise the repeat by its id."
			}
		}
	}
	if appends == 0 {
		return notApplicable(name, "no record was appended to a log.")
	}
	if dups > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all were repeats beyond their sends.", plural(dups, "append", "appends"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d appended records is one send of its event: no event is in the log more often than it was published.", appends)
	return res
}
