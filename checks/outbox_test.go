package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Hand-built outbox histories: relay "relay-0" publishes the store's
// events to topic "t", where producer "p" publishes its own.

func storeAppend(at int64, id, cmd string, version int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.StoreAppend, Node: "store", Key: "a", Event: id, Type: "Deposited",
		Amount: 5, Version: version, Basis: version - 1, Command: cmd}
}

func publishOn(at int64, node, id string) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Publish, Node: node, Topic: "t", Event: id, Key: "a", Type: "Deposited", Amount: 5}
}

func appendOn(at int64, id string, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Append, Node: "broker", Topic: "t", Offset: offset, Event: id, Key: "a",
		Type: "Deposited", Amount: 5}
}

// TestOutboxEquivalenceJudgesOnlyTheStoresPublishers: an ordinary
// producer's events on the same topic are neither phantoms nor judged;
// without a store-publisher record nothing is.
func TestOutboxEquivalenceJudgesOnlyTheStoresPublishers(t *testing.T) {
	decl := history.Entry{Kind: history.StorePublisher, Node: "relay-0", Topic: "t"}
	c1 := storeAppend(1, "c1/e1", "c1", 1)
	p1, a1 := publishOn(2, "relay-0", "c1/e1"), appendOn(3, "c1/e1", 0)
	q1, b1 := publishOn(4, "p", "p-1"), appendOn(5, "p-1", 1)
	h := hist(decl, c1, p1, a1, q1, b1, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Holds, nil, "The 1 committed events")

	h = hist(q1, b1, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Unknown, nil, "Not applicable: ", "no store-publisher record")
	h = hist(c1, p1, a1, q1, b1, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Unknown, nil, "Not applicable: ")
	h = hist(decl, q1, b1, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Unknown, nil, "Not applicable: ", "no event was committed")

	// A phantom: the relay's publish of an event never committed.
	x, ax := publishOn(6, "relay-0", "c2/e1"), appendOn(7, "c2/e1", 2)
	rb := history.Entry{At: 8 * ms, Kind: history.StoreRollback, Node: "store", Key: "a", Command: "c2"}
	h = hist(decl, c1, p1, a1, q1, b1, x, ax, rb, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Violated, []history.Entry{x, ax, rb},
		"Event c2/e1 was published to t by relay-0", "1 phantom(s) and 0 lost")
	// The same before the run drained: the commit may still come.
	h = hist(decl, c1, p1, a1, q1, b1, x, ax, end(10, false))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Unknown, nil, "before it drained", "1 published event(s) were not committed")

	// A lost event: committed by session s-0's command, which crashed
	// before publishing it.
	sdecl := history.Entry{Kind: history.StorePublisher, Node: "s-0", Topic: "t"}
	cmd := history.Entry{At: 0, Kind: history.Command, Node: "s-0", Command: "c1", Key: "a", Type: "Deposit", Amount: 5}
	cr := crash(2, "s-0", string(history.PointAfterAppend))
	cr.Group = ""
	h = hist(sdecl, cmd, c1, cr, q1, b1, end(10, true))
	expect(t, OutboxEquivalence(h), "outbox-equivalence", Violated, []history.Entry{c1, cr},
		"Event c1/e1 was committed to stream a", "1 committed event(s) in all were never published")
}

// TestNoOverdraftWitnessOfAFirstEvent: a stream whose first event takes
// it below zero has that event alone as its witness; a history of events
// that change no balance is not judged.
func TestNoOverdraftWitnessOfAFirstEvent(t *testing.T) {
	other := history.Entry{At: 1 * ms, Kind: history.StoreAppend, Node: "store", Key: "b", Event: "c0/e1", Type: "Deposited", Amount: 3, Version: 1, Command: "c0"}
	w := history.Entry{At: 2 * ms, Kind: history.StoreAppend, Node: "store", Key: "a", Event: "c1/e1", Type: "Withdrawn", Amount: 3, Version: 1, Command: "c1"}
	expect(t, NoOverdraft(hist(other, w)), "no-overdraft", Violated, []history.Entry{w}, "Stream a went to -3", "the value was only 0")
	opened := history.Entry{At: 1 * ms, Kind: history.StoreAppend, Node: "store", Key: "a", Event: "c0/e1", Type: "Opened", Version: 1, Command: "c0"}
	expect(t, NoOverdraft(hist(opened)), "no-overdraft", Unknown, nil, "Not applicable: ")
	expect(t, StreamIntegrity(hist(end(1, true))), "stream-integrity", Unknown, nil, "Not applicable: ")
	expect(t, EventNames(hist(end(1, true))), "event-names", Unknown, nil, "Not applicable: ")
}

// TestESChecksNotApplicableOnEmptyHistory: with nothing to judge, each
// check of the event store, the outbox, the sagas and the event names
// says so: unknown, with the reason, never a vacuous holds.
func TestESChecksNotApplicableOnEmptyHistory(t *testing.T) {
	for _, name := range []string{"stream-integrity", "no-overdraft", "outbox-equivalence", "saga-single-instance", "saga-outcome", "event-names"} {
		for _, h := range []*history.History{hist(), hist(end(1, true))} {
			r := Catalog[name].Run(h)
			if r.Check != name || r.Verdict != Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") {
				t.Errorf("%s on %d records: %s: %s", name, h.Len(), r.Verdict, r.Explanation)
			}
		}
	}
}
