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
	// where is an offset of a partition, by symbol.
	type where struct {
		topic     history.Sym
		partition int32
		offset    int64
	}
	// event is what the log shows of one event: its first publish and
	// first append (1 + the index, 0: none), its sends, and the places it
	// was appended at, in a short list while they are few.
	type event struct {
		publish, first, sends int32
		places                []where
		many                  map[where]bool
	}
	// add puts w among e's places and reports whether it is new.
	add := func(e *event, w where) bool {
		if e.many != nil {
			if e.many[w] {
				return false
			}
			e.many[w] = true
			return true
		}
		for _, p := range e.places {
			if p == w {
				return false
			}
		}
		if e.places = append(e.places, w); len(e.places) > 8 {
			e.many = make(map[where]bool, len(e.places))
			for _, p := range e.places {
				e.many[p] = true
			}
			e.places = nil
		}
		return true
	}
	places := func(e *event) int { return len(e.places) + len(e.many) }
	var events symTable[event] // by event symbol; the records are read in place
	var dups, appends int
	cut := truncatedAppends(h)
	for i, r := range h.Compact(history.Publish, history.Append) {
		if cut[i] {
			continue
		}
		ev := events.slot(r.Event)
		switch r.KindCode() {
		case codePublish:
			if ev.publish == 0 {
				ev.publish = int32(i + 1)
			}
			ev.sends++
		case codeAppend:
			appends++
			if ev.first == 0 {
				ev.first = int32(i + 1)
			}
			if !add(ev, where{r.Topic, r.Partition, r.Offset}) {
				continue
			}
			if places(ev) <= max(int(ev.sends), 1) {
				continue
			}
			dups++
			if res.Witness != nil {
				continue
			}
			j := int(ev.first) - 1
			retry := -1
			for x := j + 1; x < i; x++ {
				if q := h.Record(x); q.KindCode() == codePublishRetry && q.Event == r.Event {
					retry = x
					break
				}
			}
			p := int(ev.publish) - 1
			a, e := h.At(j), h.At(i)
			res.Witness = pickRecords(h, p, j, retry, i)
			res.Explanation = fmt.Sprintf("Event %s is in the log %d times although it was sent %s: at %s/%d offset %d (%s) and at %s/%d offset %d (%s).",
				e.Event, places(ev), plural(int(ev.sends), "time", "times"), a.Topic, a.Partition, a.Offset, at(a.At), e.Topic, e.Partition, e.Offset, at(e.At))
			if retry >= 0 {
				q := h.At(retry)
				res.Explanation += fmt.Sprintf(" The first request was appended, but its acknowledgement never reached %s, which sent the event again (attempt %d at %s); the broker could not tell the retry from a new record.",
					q.Node, q.Attempt, at(q.At))
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
