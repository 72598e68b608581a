package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/evsim/evsim/model/history"
)

// OutboxEquivalence checks the publishing of the event store's events. It
// judges only the publishers the history declares (history.StorePublisher
// records: outbox relays, and command sessions that publish their own
// events before or after the append, a dual write): an event is published
// when a declared publisher published it to its topic and the broker
// appended it to that topic. When the run drained, the set of
// published events must equal the set of committed ones
// (history.StoreAppend): a committed event never published is lost to
// subscribers; a published event never committed is a phantom. An event
// is its stream and id (a store may number ids per stream): the stream a
// store append names, and the key the publish names (or its append, when
// the publish names none); an event whose publish and append name no
// stream is matched by id alone.
// Duplicates (an id appended more than once) are counted, not judged:
// downstream consumers must absorb them (see exactly-once-effects).
//
// It is not applicable (Unknown) to a history that declares no publisher
// of the store's events (an ordinary producer's publishes are not the
// store's), or in which nothing was committed or published; and it is
// Unknown when the run ended before it drained, since events in flight
// may still be committed or published.
func OutboxEquivalence(h *history.History) Result {
	res := Result{Check: "outbox-equivalence"}
	type place struct{ node, topic string }
	publishers := map[place]bool{}
	nodes := map[string]bool{}
	for _, r := range h.OfKind(history.StorePublisher) {
		if r.Kind == history.StorePublisher {
			publishers[place{r.Node, r.Topic}] = true
			nodes[r.Node] = true
		}
	}
	if len(publishers) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: the history declares no publisher of the event store's events (no store-publisher record), so no publish is the store's."
		return res
	}
	// An event is its stream and id: a user's store may number ids per
	// stream. A publish names the event's stream as its key; one that
	// names none (and its broker append too) leaves the stream "", and
	// its event is matched by id alone.
	type event struct{ stream, id string }
	type placed struct{ stream, event, topic string }
	committed := map[event]int{} // event -> its first StoreAppend
	committedIDs := map[string]bool{}
	published := map[placed]int{}   // event and topic -> its first Publish by a store publisher
	streamOf := map[placed]string{} // event id and topic (no stream) -> the stream of its first store Publish
	appended := map[event]int{}     // event -> its first Append of a store publish
	copies := map[event]int{}       // event -> its Appends
	drained, ended := false, false
	for i, r := range h.OfKind(history.StoreAppend, history.Publish, history.End) {
		switch r.Kind {
		case history.StoreAppend:
			if _, ok := committed[event{r.Key, r.Event}]; !ok {
				committed[event{r.Key, r.Event}] = i
				committedIDs[r.Event] = true
			}
		case history.Publish:
			k := placed{r.Key, r.Event, r.Topic}
			if _, ok := published[k]; !ok && publishers[place{r.Node, r.Topic}] {
				published[k] = i
				if _, ok := streamOf[placed{"", r.Event, r.Topic}]; !ok {
					streamOf[placed{"", r.Event, r.Topic}] = r.Key
				}
			}
		case history.End:
			ended, drained = true, r.Drained
		}
	}
	firstPublish := map[event]int{} // event -> the publish of its first store Append
	for i, r := range h.OfKind(history.Append) {
		k := placed{r.Key, r.Event, r.Topic}
		p, ok := published[k]
		if !ok && r.Key != "" { // published naming no stream
			k.stream = ""
			p, ok = published[k]
		} else if !ok { // appended naming no stream: its first publish's
			k.stream, ok = streamOf[k]
			p = published[k]
		}
		if !ok {
			continue
		}
		e := event{k.stream, r.Event}
		if e.stream == "" {
			e.stream = r.Key
		}
		if _, ok := appended[e]; !ok {
			appended[e], firstPublish[e] = i, p
		}
		copies[e]++
	}
	if len(committed) == 0 && len(appended) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no event was committed to the event store, and none of its publishers' events reached the topic."
		return res
	}
	var lost, phantom []event
	for e := range committed {
		if _, ok := appended[e]; !ok {
			if _, ok := appended[event{"", e.id}]; !ok {
				lost = append(lost, e)
			}
		}
	}
	for e := range appended {
		_, ok := committed[e]
		if e.stream == "" {
			ok = committedIDs[e.id]
		}
		if !ok {
			phantom = append(phantom, e)
		}
	}
	sort.Slice(lost, func(a, b int) bool { return committed[lost[a]] < committed[lost[b]] })
	sort.Slice(phantom, func(a, b int) bool { return appended[phantom[a]] < appended[phantom[b]] })
	dups := 0
	for _, n := range copies {
		if n > 1 {
			dups++
		}
	}
	switch {
	case !drained:
		res.Verdict = Unknown
		why := "The run ended before it drained"
		if !ended {
			why = "The history has no end record"
		}
		res.Explanation = fmt.Sprintf("%s: events in flight may still be committed or published. So far %d committed event(s) were not published and %d published event(s) were not committed.",
			why, len(lost), len(phantom))
	case len(phantom) > 0:
		e := phantom[0]
		id := e.id
		pub, app := h.At(firstPublish[e]), h.At(appended[e])
		res.Verdict = Violated
		res.Witness = []history.Entry{pub, app}
		c := pub.Command // the command the publish names, else the one its id is derived from
		if c == "" {
			c = commandOf(id)
		}
		if c != "" {
			for _, r := range h.OfKind(history.StoreRollback) {
				if r.Kind == history.StoreRollback && r.Command == c {
					res.Witness = append(res.Witness, r)
					break
				}
			}
		}
		sort.SliceStable(res.Witness, func(a, b int) bool { return res.Witness[a].At < res.Witness[b].At })
		res.Explanation = fmt.Sprintf("Event %s was published to %s by %s at %s but never committed to the event store: a phantom that subscribers act on although it never happened. "+
			"Publishing before the commit cannot be undone when the commit fails. %d phantom(s) and %d lost event(s) in all; use a transactional outbox.",
			id, app.Topic, pub.Node, at(pub.At), len(phantom), len(lost))
	case len(lost) > 0:
		id := lost[0].id
		c := h.At(committed[lost[0]])
		res.Verdict = Violated
		res.Witness = []history.Entry{c}
		writer := "" // the session that sent the command, if it publishes
		for _, r := range h.Range(0, committed[lost[0]]) {
			if r.Kind == history.Command && r.Command == c.Command && c.Command != "" && nodes[r.Node] {
				writer = r.Node
			}
		}
		for _, r := range h.Range(committed[lost[0]], h.Len()) {
			if r.Kind == history.Crash && nodes[r.Node] && (writer == "" || r.Node == writer) {
				res.Witness = append(res.Witness, r)
				break
			}
		}
		res.Explanation = fmt.Sprintf("Event %s was committed to stream %s at %s but never published, although the run drained: "+
			"its publisher did not publish it (a crash between the commit and the publish loses it). %d committed event(s) in all were never published; "+
			"write the event to an outbox in the commit's transaction and let a relay publish it.", id, c.Key, at(c.At), len(lost))
	default:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("The %d committed events and the events the store's publishers published are the same set; %d were published more than once (duplicates).", len(committed), dups)
	}
	return res
}

// commandOf returns the command id of an event id of the built-in command
// sessions: the command id, an optional dot and attempt number, a slash
// and the event's index. It returns "" for any other id.
func commandOf(id string) string {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return ""
	}
	c := id[:i]
	if i := strings.LastIndexByte(c, '.'); i >= 0 {
		c = c[:i]
	}
	return c
}
