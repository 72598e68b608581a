package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

func appendRec(at int64, event string, partition int, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Append, Node: "broker", Topic: "t", Partition: partition,
		Offset: offset, Event: event, Key: "k"}
}

func TestBoundedLagWithoutGroup(t *testing.T) {
	// A stuck projector and no consumer group: the run did not drain,
	// but no group exists to lag.
	h := hist(
		history.Entry{Kind: history.Subscribe, Node: "balances", Group: "balances", Topic: "t", Style: history.StyleProjection},
		appendRec(1, "e1", 0, 0), appendRec(1, "e2", 0, 1),
		history.Entry{At: 2 * ms, Kind: history.Checkpoint, Node: "balances", Group: "balances", Topic: "t", Offset: 1},
		end(9, false),
	)
	expect(t, BoundedLag(h), "bounded-lag", Unknown, nil, "Not applicable", "no consumer group")
	// an event store alone, not drained
	h = hist(history.Entry{At: 1 * ms, Kind: history.StoreAppend, Node: "store", Key: "acct-1", Event: "e1", Version: 1, Position: 1}, end(9, false))
	expect(t, BoundedLag(h), "bounded-lag", Unknown, nil, "Not applicable")
}

func TestBoundedLagNotApplicable(t *testing.T) {
	for name, h := range map[string]*history.History{
		"empty":            {},
		"nothing appended": hist(sub("g"), end(2, true)),
		"other topic": hist(sub("g"), history.Entry{At: 1 * ms, Kind: history.Append, Topic: "other", Event: "x1"},
			end(2, false)),
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, BoundedLag(h), "bounded-lag", Unknown, nil, "Not applicable")
		})
	}
	expect(t, BoundedLag(hist(sub("g"), appendRec(1, "e1", 0, 0))), "bounded-lag", Unknown, nil, "no end record")
}

func TestBoundedLagJudgesGroupsByTheirRecords(t *testing.T) {
	a1, a2 := appendRec(1, "e1", 0, 0), appendRec(1, "e2", 0, 1)
	// drained: holds
	expect(t, BoundedLag(hist(sub("g"), a1, a2, end(5, true))), "bounded-lag", Holds, nil, "Every group")
	// not drained, and g committed only past e1: g lags by one on t/0
	d := deliver(2, "g-0", "e2", 0, 1, 1)
	e := end(5, false)
	h := hist(sub("g"), a1, a2, deliver(2, "g-0", "e1", 0, 0, 1), commit(2, "g-0", 0, 1), d, e)
	expect(t, BoundedLag(h), "bounded-lag", Violated, []history.Entry{d, e}, "group g was still 1 event behind on t/0")
	// not drained, but g committed the end of the log: something else
	// kept the run from draining
	h = hist(sub("g"), a1, a2, commit(2, "g-0", 0, 2), e)
	expect(t, BoundedLag(h), "bounded-lag", Unknown, nil, "every consumer group had committed or settled everything")
	// a queue group that settled one message of two
	q := sub("q")
	q.Style = history.StyleQueue
	ackQ := history.Entry{At: 2 * ms, Kind: history.Ack, Node: "q-0", Group: "q", Event: "e1"}
	expect(t, BoundedLag(hist(q, a1, a2, ackQ, e)), "bounded-lag", Violated, []history.Entry{e}, "queue group q still had 1 message")
	dl := history.Entry{At: 3 * ms, Kind: history.DeadLetter, Node: "q-0", Group: "q", Event: "e2"}
	expect(t, BoundedLag(hist(q, a1, a2, ackQ, dl, e)), "bounded-lag", Unknown, nil, "not a group's position")
}
