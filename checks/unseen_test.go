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

// logAppend is the broker's append of event at offset of partition 0.
func logAppend(at int64, node, event string, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Append, Node: node, Topic: "t", Offset: offset, Event: event,
		Key: "k", Type: "Deposited", Amount: 5}
}

// TestUnseenAndLostWriteJudgeByEvent: as Jepsen's, unseen and lost-write
// judge by the events read, not by the offsets. e1 is acknowledged at
// offset 0 by a leader that is then replaced by one that never had it:
// the log is cut to offset 0 and e2 takes the offset. A poll of offsets 0
// and 1 returns e2 and e3, never e1: both checks see e1 lost. The fixed
// twin read e1 before the leader change; and a history of the clients
// alone (no appends) reads an offset as its acknowledged event.
func TestUnseenAndLostWriteJudgeByEvent(t *testing.T) {
	a1 := ack(1, "e1", 0, 0)
	trunc := history.Entry{At: 3 * ms, Kind: history.Truncate, Node: "b-1", Topic: "t", Offset: 0}
	p := poll(6, "g-0", 0, 0, 2)
	lost := hist(sub("g"), logAppend(1, "b-1", "e1", 0), a1, trunc,
		logAppend(4, "b-2", "e2", 0), ack(4, "e2", 0, 0), logAppend(5, "b-2", "e3", 1), ack(5, "e3", 0, 1), p, end(7, true))
	expect(t, Unseen(lost), "unseen", Violated, []history.Entry{a1, end(7, true)}, "e1", "Offset 0 was read, but it held another event then")
	expect(t, LostWrite(lost), "lost-write", Violated, []history.Entry{a1, p}, "no consumer ever read e1", "held another event")

	read := hist(sub("g"), logAppend(1, "b-1", "e1", 0), a1, poll(2, "g-0", 0, 0, 1), trunc,
		logAppend(4, "b-2", "e2", 0), ack(4, "e2", 0, 0), logAppend(5, "b-2", "e3", 1), ack(5, "e3", 0, 1), p, end(7, true))
	expect(t, Unseen(read), "unseen", Holds, nil, "3 acknowledged events")
	expect(t, LostWrite(read), "lost-write", Holds, nil)

	clients := hist(sub("g"), ack(1, "e1", 0, 0), ack(2, "e2", 0, 1), poll(3, "g-0", 0, 0, 2), end(4, true))
	expect(t, Unseen(clients), "unseen", Holds, nil, "2 acknowledged events")
	expect(t, LostWrite(clients), "lost-write", Holds, nil)
}

// TestReadsOfFarOffsets: a history whose offsets are far apart (a real
// broker's topic read from a high offset, a hand-written history) is
// judged without a slot per offset between them.
func TestReadsOfFarOffsets(t *testing.T) {
	const far = int64(900_000_000_000)
	h := hist(sub("g"), logAppend(1, "b", "e1", 0), ack(1, "e1", 0, 0), logAppend(2, "b", "e2", far), ack(2, "e2", 0, far),
		poll(3, "g-0", 0, far, 1), deliver(3, "g-0", "e2", 0, far, 1), end(4, true))
	a1 := ack(1, "e1", 0, 0)
	expect(t, Unseen(h), "unseen", Violated, []history.Entry{a1, end(4, true)}, "e1")
	expect(t, LostWrite(h), "lost-write", Violated, []history.Entry{a1, poll(3, "g-0", 0, far, 1)}, "e1")
	// a poll covering a huge range of offsets, the log's few among them
	h = hist(sub("g"), logAppend(1, "b", "e1", 0), ack(1, "e1", 0, 0), logAppend(2, "b", "e2", far), ack(2, "e2", 0, far),
		history.Entry{At: 3 * ms, Kind: history.Poll, Node: "g-0", Group: "g", Topic: "t", Offset: 0, Count: 2_000_000_000}, end(4, true))
	expect(t, Unseen(h), "unseen", Violated, []history.Entry{ack(2, "e2", 0, far), end(4, true)}, "e2")
}

// TestOffsetSlotsStaySmallForSparseOffsets: offsets set far apart (4,000
// between each) go to the map, not to a slice spanning them, and read
// back; a dense run stays in the slice.
func TestOffsetSlotsStaySmallForSparseOffsets(t *testing.T) {
	var s offsetSlots
	for i := int64(0); i < 1000; i++ {
		s.set(1_000_000+i*4000, history.Sym(i+1))
	}
	if len(s.dense) > 2*1000+4096 {
		t.Errorf("the slice spans %d offsets for 1000 set", len(s.dense))
	}
	for i := int64(0); i < 1000; i++ {
		if got := s.get(1_000_000 + i*4000); got != history.Sym(i+1) {
			t.Fatalf("offset %d: %d, want %d", 1_000_000+i*4000, got, i+1)
		}
	}
	var d offsetSlots
	for i := int64(0); i < 10_000; i++ {
		d.set(i, history.Sym(i+1))
	}
	if len(d.dense) != 10_000 || d.far != nil {
		t.Errorf("a dense run of 10000: slice %d, map %d", len(d.dense), len(d.far))
	}
}
