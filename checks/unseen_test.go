package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

func poll(at int64, node string, partition int, offset int64, count int) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Poll, Node: node, Group: group(node), Topic: "t",
		Partition: partition, Offset: offset, Count: count}
}

func TestUnseenUndrainedIsUnknown(t *testing.T) {
	// e2 was never read, but the run ended before the group caught up:
	// no-loss and unseen both say unknown.
	a2 := ack(1, "e2", 0, 1)
	e := end(3, false)
	h := hist(sub("g"), ack(1, "e1", 0, 0), a2, poll(2, "g-0", 0, 0, 1), effect(2, "g-0", "e1", 0, 0), e)
	expect(t, Unseen(h), "unseen", Unknown, nil, "1 acknowledged event was not read yet", "before the consumers caught up")
	expect(t, NoLoss(h), "no-loss", Unknown, nil)
	// no end record: the same
	expect(t, Unseen(hist(sub("g"), a2)), "unseen", Unknown, nil, "not read yet")
	// drained: e2 stays unseen for good
	e.Drained = true
	h = hist(sub("g"), ack(1, "e1", 0, 0), a2, poll(2, "g-0", 0, 0, 1), e)
	expect(t, Unseen(h), "unseen", Violated, []history.Entry{a2, e}, "1 event", "e2", "stopped at offset 0")
}

func TestUnseenHolds(t *testing.T) {
	// everything read, drained or not; a delivery counts as a read
	for _, drained := range []bool{true, false} {
		h := hist(sub("g"), ack(1, "e1", 0, 0), ack(1, "e2", 1, 0), poll(2, "g-0", 0, 0, 1),
			deliver(2, "g-1", "e2", 1, 0, 1), end(3, drained))
		expect(t, Unseen(h), "unseen", Holds, nil, "2 acknowledged events")
	}
}

func TestUnseenNotApplicable(t *testing.T) {
	for name, h := range map[string]*history.History{
		"empty":         {},
		"no subscriber": hist(ack(1, "e1", 0, 0), end(2, true)),
		"nothing acked": hist(sub("g"), end(2, true)),
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, Unseen(h), "unseen", Unknown, nil, "Not applicable")
		})
	}
}
