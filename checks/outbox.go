package checks

import (
	"fmt"
	"sort"

	"github.com/evsim/evsim/model/history"
)

// OutboxEquivalence checks the publishing of committed events: when the
// run drained, the set of event ids the broker appended to the topic the
// store's events are published to equals the set of committed event ids
// (history.StoreAppend). A committed event never published is lost to
// subscribers; a published event never committed is a phantom.
// Duplicates (an id appended more than once) are counted, not judged:
// downstream consumers must absorb them (see exactly-once-effects).
func OutboxEquivalence(h *history.History) Result {
	res := Result{Check: "outbox-equivalence"}
	committed := map[string]int{}
	published := map[string]int{}
	appends := map[string]int{}
	publishers := map[string]bool{} // topics the store's events are published to
	drained := false
	for i, r := range h.Records {
		switch r.Kind {
		case history.StoreAppend:
			committed[r.Event] = i
		case history.Publish:
			if _, ok := published[r.Event]; !ok {
				published[r.Event] = i
			}
		case history.Append:
			if _, ok := appends[r.Event]; !ok {
				appends[r.Event] = i
			}
			publishers[r.Topic] = true
		case history.End:
			drained = r.Drained
		}
	}
	var dups int
	seen := map[string]int{}
	for _, r := range h.Records {
		if r.Kind == history.Append {
			seen[r.Event]++
			if seen[r.Event] == 2 {
				dups++
			}
		}
	}
	var lost, phantom []string
	for id := range committed {
		if _, ok := appends[id]; !ok {
			lost = append(lost, id)
		}
	}
	for id, i := range appends {
		if _, ok := committed[id]; !ok && h.Records[i].Kind == history.Append {
			if _, isStore := published[id]; isStore {
				phantom = append(phantom, id)
			}
		}
	}
	sort.Slice(lost, func(a, b int) bool { return committed[lost[a]] < committed[lost[b]] })
	sort.Slice(phantom, func(a, b int) bool { return appends[phantom[a]] < appends[phantom[b]] })
	switch {
	case len(phantom) > 0:
		id := phantom[0]
		res.Verdict = Violated
		res.Witness = []history.Record{h.Records[published[id]], h.Records[appends[id]]}
		for _, r := range h.Records {
			if r.Kind == history.StoreRollback && r.Command != "" && r.Command == commandOf(h, published[id]) {
				res.Witness = append(res.Witness, r)
				break
			}
		}
		sort.SliceStable(res.Witness, func(a, b int) bool { return res.Witness[a].At < res.Witness[b].At })
		res.Explanation = fmt.Sprintf("Event %s was published to %s at %s but never committed to the event store: a phantom that subscribers act on although it never happened. "+
			"Publishing before the commit cannot be undone when the commit fails. %d phantom(s) and %d lost event(s) in all; use a transactional outbox.",
			id, h.Records[appends[id]].Topic, at(h.Records[published[id]].At), len(phantom), len(lost))
	case len(lost) > 0 && drained:
		id := lost[0]
		res.Verdict = Violated
		c := h.Records[committed[id]]
		res.Witness = []history.Record{c}
		for _, r := range h.Records {
			if r.Kind == history.Crash && r.At >= c.At && r.Point == history.PointAfterAppend {
				res.Witness = append(res.Witness, r)
				break
			}
		}
		res.Explanation = fmt.Sprintf("Event %s was committed to stream %s at %s but never published, although the run drained: "+
			"the publisher crashed between the commit and the publish. %d committed event(s) in all were never published; "+
			"write the event to an outbox in the commit's transaction and let a relay publish it.", id, c.Key, at(c.At), len(lost))
	case len(lost) > 0:
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("%d committed event(s) were not published yet when the run ended before it drained.", len(lost))
	default:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("The %d committed events and the events published are the same set; %d were published more than once (duplicates).", len(committed), dups)
	}
	return res
}

// commandOf returns the command id of the event published at record i:
// event ids are the command id, a slash and the event's index.
func commandOf(h *history.History, i int) string {
	id := h.Records[i].Event
	for j := len(id) - 1; j >= 0; j-- {
		if id[j] == '/' {
			c := id[:j]
			for k := len(c) - 1; k >= 0; k-- {
				if c[k] == '.' {
					return c[:k]
				}
			}
			return c
		}
	}
	return ""
}
