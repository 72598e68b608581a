package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// LogDuplicates checks that no event is in the log twice: one event id
// appended at more than one offset (Jepsen's :duplicate). Its witness is
// the publish, the first append, the retry and the second append.
func LogDuplicates(h *history.History) Result {
	res := Result{Check: "log-duplicates"}
	first := map[string]int{}
	publish := map[string]int{}
	var dups, appends int
	for i, r := range h.Records {
		switch r.Kind {
		case history.Publish:
			if _, ok := publish[r.Event]; !ok {
				publish[r.Event] = i
			}
		case history.Append:
			appends++
			j, seen := first[r.Event]
			if !seen {
				first[r.Event] = i
				continue
			}
			dups++
			if res.Witness != nil {
				continue
			}
			retry := -1
			for x := j + 1; x < i; x++ {
				if q := h.Records[x]; q.Kind == history.PublishRetry && q.Event == r.Event {
					retry = x
					break
				}
			}
			p, ok := publish[r.Event]
			if !ok {
				p = -1
			}
			a := h.Records[j]
			res.Witness = pickRecords(h, p, j, retry, i)
			res.Explanation = fmt.Sprintf("Event %s is in the log twice: at %s/%d offset %d (%s) and at %s/%d offset %d (%s).",
				r.Event, a.Topic, a.Partition, a.Offset, at(a.At), r.Topic, r.Partition, r.Offset, at(r.At))
			if retry >= 0 {
				res.Explanation += fmt.Sprintf(" The first request was appended, but its acknowledgement never reached %s, which sent the event again (attempt %d at %s); the broker could not tell the retry from a new record.",
					h.Records[retry].Node, h.Records[retry].Attempt, at(h.Records[retry].At))
				res.Explanation += " The idempotent producer numbers each partition's records, so that the broker drops a retry it already has."
			} else {
				res.Explanation += " Its publisher sent it twice (a relay that published and crashed before marking it sent does); consumers must recognise the repeat by its id."
			}
		}
	}
	if dups > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all were repeats.", plural(dups, "append", "appends"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d appended records holds a different event.", appends)
	return res
}
