package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// abortedThenCommitted is a user's transactional producer whose recorder
// writes each send's acknowledgement as it comes (Kafka completes a
// transactional send once the leader appends it, before the commit): two
// records acknowledged in a transaction that aborts (offsets 0 and 1, its
// marker at 2), then one in a transaction that commits (offset 3, marker
// at 4). Group billing reads committed: its poll returns offset 3 alone.
// applied says whether it applies c1.
func abortedThenCommitted(applied bool) *history.History {
	send := func(at, off int64, ev string) []history.Entry {
		r := history.Entry{At: at, Kind: history.Publish, Node: "tp", Topic: "orders", Event: ev, Key: "order-" + ev, Type: "OrderPlaced", ProducerID: 7, Seq: off}
		a, k := r, r
		a.At, a.Kind, a.Node, a.Offset = at+1, history.Append, "broker", off
		k.At, k.Kind, k.Offset = at+2, history.PublishAck, off
		return []history.Entry{r, a, k}
	}
	es := []history.Entry{{Kind: history.Subscribe, Group: "billing", Topic: "orders"},
		{At: 1, Kind: history.TxnInit, Node: "tp", TxnID: "tx", ProducerID: 7},
		{At: 2, Kind: history.TxnBegin, Node: "tp", TxnID: "tx", ProducerID: 7}}
	es = append(es, send(3, 0, "a1")...)
	es = append(es, send(6, 1, "a2")...)
	es = append(es, history.Entry{At: 10, Kind: history.TxnAbort, Node: "tp", TxnID: "tx", ProducerID: 7, Topic: "orders", Offset: 2},
		history.Entry{At: 11, Kind: history.TxnBegin, Node: "tp", TxnID: "tx", ProducerID: 7})
	es = append(es, send(12, 3, "c1")...)
	es = append(es, history.Entry{At: 16, Kind: history.TxnCommit, Node: "tp", TxnID: "tx", ProducerID: 7, Topic: "orders", Offset: 4},
		history.Entry{At: 20, Kind: history.Poll, Node: "b-0", Group: "billing", Topic: "orders", Offset: 3, Count: 1},
		history.Entry{At: 21, Kind: history.Deliver, Node: "b-0", Group: "billing", Topic: "orders", Offset: 3, Event: "c1", Key: "order-c1", Attempt: 1})
	if applied {
		es = append(es, history.Entry{At: 22, Kind: history.Effect, Node: "b-0", Group: "billing", Topic: "orders", Offset: 3, Event: "c1", Key: "order-c1", Type: "OrderPlaced"})
	}
	es = append(es, history.Entry{At: 23, Kind: history.OffsetCommit, Node: "b-0", Group: "billing", Topic: "orders", Offset: 5},
		history.Entry{At: 30, Kind: history.End, Drained: true})
	return history.FromEntries(es)
}

// TestAbortedRecordsNeedNoReader: an acknowledged send of a transaction
// that aborted is not in the committed log. No consumer must apply it
// (no-loss) or read it (unseen, lost-write: Jepsen counts only sends
// that succeeded), so a read-committed group that steps over it keeps
// all three; the twin that never applies the committed record still
// breaks no-loss.
func TestAbortedRecordsNeedNoReader(t *testing.T) {
	h := abortedThenCommitted(true)
	for _, c := range []struct {
		name string
		run  func(*history.History) Result
	}{{"no-loss", NoLoss}, {"unseen", Unseen}, {"lost-write", LostWrite}} {
		if r := c.run(h); r.Verdict != Holds {
			t.Errorf("%s: %s: %s", c.name, r.Verdict, r.Explanation)
		}
	}
	if r := NoLoss(abortedThenCommitted(false)); r.Verdict != Violated || r.Witness[0].Event != "c1" {
		t.Errorf("no-loss with c1 never applied: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestEmptyPollReadsNothing: a poll that returned no record (count 0)
// read no offset, so it does not raise the highest offset read of its
// partition: a group that starts at the log end (auto.offset.reset
// latest) and finds nothing has not jumped over the records below.
func TestEmptyPollReadsNothing(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{Kind: history.Subscribe, Group: "late", Topic: "orders"},
		{At: 1, Kind: history.Publish, Node: "api", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 2, Kind: history.Append, Node: "broker", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 3, Kind: history.PublishAck, Node: "api", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 4, Kind: history.Poll, Node: "late-0", Group: "late", Topic: "orders", Offset: 1, Count: 0},
	})
	if r := LostWrite(h); r.Verdict != Unknown {
		t.Errorf("lost-write: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLoopReadingTwoTopicsJudgesBoth: a consume-transform-produce loop
// subscribed to two input topics (orders and refunds) must have the
// output of every input of each below its committed offsets: an input of
// the topic subscribed first whose output was lost is caught too.
func TestLoopReadingTwoTopicsJudgesBoth(t *testing.T) {
	in := func(at int64, topic, ev string) history.Entry {
		return history.Entry{At: at, Kind: history.Append, Node: "broker", Topic: topic, Event: ev, Key: "k"}
	}
	out := func(at int64, off int64, input string) history.Entry {
		return history.Entry{At: at, Kind: history.Append, Node: "broker", Topic: "ledger", Offset: off, Event: "l:" + input,
			Key: "k", Group: "ledger", Input: input, ProducerID: 3}
	}
	es := []history.Entry{
		{Kind: history.Subscribe, Group: "ledger", Topic: "orders"},
		{Kind: history.Subscribe, Group: "ledger", Topic: "refunds"},
		in(1, "orders", "o1"), in(2, "refunds", "r1"),
		{At: 3, Kind: history.TxnBegin, Node: "l-0", TxnID: "l-0", ProducerID: 3},
		out(4, 0, "r1"),
		{At: 5, Kind: history.TxnCommit, Node: "l-0", TxnID: "l-0", ProducerID: 3, Topic: "ledger", Offset: 1},
		{At: 5, Kind: history.OffsetCommit, Node: "l-0", Group: "ledger", Topic: "refunds", Offset: 1},
		{At: 6, Kind: history.OffsetCommit, Node: "l-0", Group: "ledger", Topic: "orders", Offset: 1},
	}
	r := ExactlyOnceOutput(history.FromEntries(es))
	if r.Verdict != Violated || len(r.Witness) == 0 || r.Witness[0].Event != "o1" {
		t.Errorf("o1 consumed, its output lost: %s: %s", r.Verdict, r.Explanation)
	}
	fixed := append(es[:6:6], out(4, 1, "o1"),
		history.Entry{At: 5, Kind: history.TxnCommit, Node: "l-0", TxnID: "l-0", ProducerID: 3, Topic: "ledger", Offset: 2})
	fixed = append(fixed, es[7:]...)
	if r := ExactlyOnceOutput(history.FromEntries(fixed)); r.Verdict != Holds {
		t.Errorf("both outputs committed: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestBoundedLagLeavesOutTruncatedRecords: records a leader change cut
// from the log (never committed) are not part of the partition's end: a
// group that committed everything the log kept does not lag, and a run
// that did not drain is unknown, not violated.
func TestBoundedLagLeavesOutTruncatedRecords(t *testing.T) {
	app := func(at, off int64, ev string) history.Entry {
		return history.Entry{At: at, Kind: history.Append, Node: "b1", Topic: "orders", Offset: off, Event: ev, Key: "order-1", Type: "OrderPlaced"}
	}
	es := []history.Entry{
		{Kind: history.Subscribe, Group: "billing", Topic: "orders"},
		app(1, 0, "o1"), app(2, 1, "o2"), app(3, 2, "o3"),
		{At: 4, Kind: history.Truncate, Node: "b1", Topic: "orders", Offset: 1, Count: 2},
		{At: 5, Kind: history.OffsetCommit, Node: "b-0", Group: "billing", Topic: "orders", Offset: 1},
		{At: 6, Kind: history.End},
	}
	if r := BoundedLag(history.FromEntries(es)); r.Verdict != Unknown {
		t.Errorf("billing consumed all the log kept: %s: %s", r.Verdict, r.Explanation)
	}
	es[5].Offset = 0
	if r := BoundedLag(history.FromEntries(es)); r.Verdict != Violated {
		t.Errorf("billing never consumed o1: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLagSLOLeavesOutTransactionalAppendsByTheirMarkers: a transactional
// producer's appends carry its producer id, not always a transactional
// id; the commit marker that ends them says they were written in a
// transaction, which lag-within-slo leaves out (a read-committed consumer
// sees them only at the commit).
func TestLagSLOLeavesOutTransactionalAppendsByTheirMarkers(t *testing.T) {
	es := []history.Entry{
		{Kind: history.Subscribe, Group: "billing", Topic: "orders", SLO: 10},
		{At: 1, Kind: history.Append, Node: "broker", Topic: "orders", Offset: 0, Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 2, Kind: history.Effect, Node: "b-0", Group: "billing", Topic: "orders", Offset: 0, Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 3, Kind: history.Append, Node: "broker", Topic: "orders", Offset: 1, Event: "o2", Key: "order-2", Type: "OrderPlaced", ProducerID: 4},
		{At: 50, Kind: history.TxnCommit, Node: "tp", TxnID: "tp", ProducerID: 4, Topic: "orders", Offset: 2},
		{At: 52, Kind: history.Effect, Node: "b-0", Group: "billing", Topic: "orders", Offset: 1, Event: "o2", Key: "order-2", Type: "OrderPlaced"},
	}
	if r := LagWithinSLO(history.FromEntries(es)); r.Verdict != Holds {
		t.Errorf("o2 applied 2ns after its commit: %s: %s", r.Verdict, r.Explanation)
	}
}
