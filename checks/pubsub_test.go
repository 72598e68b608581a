package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Small hand-written histories, one that each check catches and one it
// lets pass, independent of the simulator: what a history recorded
// anywhere would hold.

type psHistory struct{ h history.History }

func (b *psHistory) add(r history.Entry) *psHistory {
	r.At = int64(b.h.Len()) * 1000
	b.h.Add(r)
	return b
}

func psSubscribe(group, topic string) history.Entry {
	return history.Entry{Kind: history.Subscribe, Group: group, Topic: topic}
}

func psPublish(ev, key string) history.Entry {
	return history.Entry{Kind: history.Publish, Node: "p", Topic: "t", Event: ev, Key: key}
}

func psAppend(ev string, p int, off int64) history.Entry {
	return history.Entry{Kind: history.Append, Node: "broker", Topic: "t", Partition: p, Offset: off, Event: ev}
}

func psAck(ev string, p int, off int64) history.Entry {
	return history.Entry{Kind: history.PublishAck, Node: "p", Topic: "t", Partition: p, Offset: off, Event: ev}
}

func psPoll(node string, p int, off int64, n int) history.Entry {
	return history.Entry{Kind: history.Poll, Node: node, Group: "g", Topic: "t", Partition: p, Offset: off, Count: n}
}

func psEffect(node, ev, key string, p int, off int64, gen int, value int64) history.Entry {
	return history.Entry{Kind: history.Effect, Node: node, Group: "g", Topic: "t", Partition: p, Offset: off, Event: ev,
		Key: key, Generation: gen, Value: value}
}

func psCommit(node string, p int, off int64, gen int) history.Entry {
	return history.Entry{Kind: history.OffsetCommit, Node: node, Group: "g", Topic: "t", Partition: p, Offset: off, Generation: gen}
}

func psEnd(drained bool) history.Entry { return history.Entry{Kind: history.End, Drained: drained} }

func TestPubSubChecksCatchAndPass(t *testing.T) {
	for _, c := range []struct {
		name    string
		check   func(*history.History) Result
		bad     *psHistory
		good    *psHistory
		mention string // what the violation's explanation must name
	}{
		{
			name:  "duplicate-delivery-invariance",
			check: DuplicateDeliveryInvariance,
			bad: new(psHistory).add(psEffect("m0", "e1", "k", 0, 0, 1, 10)).add(psEffect("m0", "e2", "k", 0, 1, 1, 15)).
				add(psEffect("m1", "e1", "k", 0, 0, 2, 25)),
			good: new(psHistory).add(psEffect("m0", "e1", "k", 0, 0, 1, 10)).add(psEffect("m1", "e1", "k", 0, 0, 2, 10)),
			// a repeat that leaves the state as it was is fine
			mention: "from 15 to 25",
		},
		{
			name:  "key-order",
			check: KeyOrder,
			bad: new(psHistory).add(psPublish("e1", "k")).add(psPublish("e2", "k")).
				add(psEffect("m0", "e2", "k", 1, 0, 1, 0)).add(psEffect("m1", "e1", "k", 0, 0, 1, 0)),
			good: new(psHistory).add(psPublish("e1", "k")).add(psPublish("e2", "k")).add(psPublish("e3", "j")).
				add(psEffect("m0", "e3", "j", 1, 0, 1, 0)).add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).add(psEffect("m0", "e2", "k", 0, 1, 1, 0)),
			mention: "different partitions",
		},
		{
			name:  "single-writer",
			check: SingleWriter,
			bad: new(psHistory).add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).add(history.Entry{Kind: history.Pause, Node: "m0", Until: 9000}).
				add(psEffect("m1", "e2", "k", 0, 1, 2, 0)).add(psCommit("m1", 0, 2, 2)).add(psEffect("m0", "e2", "k", 0, 1, 1, 0)),
			good: new(psHistory).add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).add(psCommit("m0", 0, 1, 1)).
				add(psEffect("m1", "e2", "k", 0, 1, 2, 0)).add(psEffect("m0", "e9", "k", 1, 0, 1, 0)),
			mention: "older generation 1",
		},
		{
			name:    "bounded-lag",
			check:   BoundedLag,
			bad:     new(psHistory).add(psSubscribe("g", "t")).add(psAppend("e1", 0, 0)).add(psAppend("e2", 0, 1)).add(history.Entry{Kind: history.HandlerError, Node: "m0", Group: "g", Topic: "t", Event: "e1", ErrorKind: "poison", Attempt: 7}).add(psEnd(false)),
			good:    new(psHistory).add(psSubscribe("g", "t")).add(psAppend("e1", 0, 0)).add(psCommit("m0", 0, 1, 1)).add(psEnd(true)),
			mention: "poison",
		},
		{
			name:  "log-duplicates",
			check: LogDuplicates,
			bad: new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).
				add(history.Entry{Kind: history.PublishRetry, Node: "p", Event: "e1", Attempt: 2}).add(psAppend("e1", 0, 1)),
			good:    new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).add(psAppend("e2", 0, 1)),
			mention: "in the log 2 times although it was sent 1 time",
		},
		{
			name:  "lost-write",
			check: LostWrite,
			bad: new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).add(psAck("e2", 0, 1)).add(psAck("e3", 0, 2)).
				add(psPoll("m0", 0, 0, 1)).add(psPoll("m0", 0, 2, 1)),
			good: new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).add(psAck("e2", 0, 1)).add(psAck("e3", 0, 2)).
				add(psPoll("m0", 0, 0, 2)),
			mention: "e2",
		},
		{
			name:    "unseen",
			check:   Unseen,
			bad:     new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).add(psAck("e2", 0, 1)).add(psPoll("m0", 0, 0, 1)).add(psEnd(true)),
			good:    new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).add(psAck("e9", 1, 0)).add(psPoll("m0", 0, 0, 1)).add(psPoll("m1", 1, 0, 1)).add(psEnd(true)),
			mention: "e2",
		},
		{
			name:  "nonmonotonic-poll",
			check: NonmonotonicPoll,
			bad:   new(psHistory).add(psPoll("m0", 0, 0, 5)).add(psPoll("m0", 0, 3, 5)),
			// a re-read by a new consumer after a crash is not judged here
			good: new(psHistory).add(psPoll("m0", 0, 0, 5)).add(history.Entry{Kind: history.Crash, Node: "m0", Group: "g", CrashPoint: "after-effect"}).
				add(psPoll("m0", 0, 3, 5)).add(psPoll("m1", 1, 0, 5)).add(psPoll("m1", 1, 5, 5)),
			mention: "next poll started at offset 3",
		},
		{
			name:  "group-reread",
			check: GroupReread,
			bad: new(psHistory).add(psPoll("m0", 0, 0, 5)).add(history.Entry{Kind: history.Crash, Node: "m0", Group: "g", CrashPoint: "after-effect"}).
				add(psPoll("m1", 0, 3, 5)),
			good:    new(psHistory).add(psPoll("m0", 0, 0, 5)).add(psPoll("m1", 0, 5, 5)).add(psPoll("m1", 1, 0, 5)),
			mention: "again from offset 3",
		},
		{
			name:  "poll-skip",
			check: PollSkip,
			bad: new(psHistory).add(psAppend("e5", 0, 5)).add(psAppend("e8", 0, 8)).
				add(psPoll("m0", 0, 0, 5)).add(psPoll("m0", 0, 9, 5)),
			good:    new(psHistory).add(psPoll("m0", 0, 0, 5)).add(psPoll("m0", 0, 5, 5)).add(psPoll("m0", 0, 2, 5)),
			mention: "it skipped 2 records that the log held",
		},
		{
			name:    "event-names",
			check:   EventNames,
			bad:     new(psHistory).add(history.Entry{Kind: history.Publish, Type: "ChargeCard"}),
			good:    new(psHistory).add(history.Entry{Kind: history.Publish, Type: "CardCharged"}),
			mention: "CardCharged",
		},
		{
			name:  "no-loss skipped by a dedup step",
			check: NoLoss,
			bad: new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).
				add(history.Entry{Kind: history.Deliver, Node: "m0", Group: "g", Topic: "t", Event: "e1", Attempt: 1}).
				add(history.Entry{Kind: history.HandlerError, Node: "m0", Group: "g", Event: "e1", ErrorKind: "transient"}).
				add(history.Entry{Kind: history.Dedup, Node: "m0", Group: "g", Event: "e1"}).add(psCommit("m0", 0, 1, 1)).add(psEnd(true)),
			good: new(psHistory).add(psSubscribe("g", "t")).add(psAck("e1", 0, 0)).add(psAck("e2", 0, 1)).
				add(history.Entry{Kind: history.DeadLetter, Node: "m0", Group: "g", Event: "e1"}).
				add(psEffect("m0", "e2", "k", 0, 1, 1, 0)).add(psCommit("m0", 0, 2, 1)).add(psEnd(true)),
			mention: "dedup step skipped it",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad, good := c.check(&c.bad.h), c.check(&c.good.h)
			if bad.Verdict != Violated || len(bad.Witness) == 0 || !strings.Contains(bad.Explanation, c.mention) {
				t.Errorf("bad history: %s with %d witness records: %s (want it to mention %q)", bad.Verdict, len(bad.Witness), bad.Explanation, c.mention)
			}
			if len(bad.Witness) > 6 {
				t.Errorf("bad history: witness of %d records is not minimal: %+v", len(bad.Witness), bad.Witness)
			}
			if good.Verdict != Holds {
				t.Errorf("good history: %s: %s", good.Verdict, good.Explanation)
			}
		})
	}
}

// On an empty history no check is violated, and none holds vacuously
// without saying so: a check with nothing to judge is unknown, with the
// reason.
func TestPubSubChecksOnAnEmptyHistory(t *testing.T) {
	for _, name := range Names() {
		if r := Catalog[name].Run(&history.History{}); !vacuous(r) {
			t.Errorf("%s on an empty history: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}
