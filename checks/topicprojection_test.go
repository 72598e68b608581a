package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Tiny histories of a read model "balances" fed by topic "t".

func projSub() history.Entry {
	return history.Entry{Kind: history.Subscribe, Node: "balances", Group: "balances", Topic: "t", Style: history.StyleProjection}
}

func tAppend(at int64, event string, partition int, offset int64, key string, amount int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Append, Node: "broker", Topic: "t", Partition: partition, Offset: offset,
		Event: event, Key: key, Type: "Deposited", Amount: amount}
}

func tApply(at int64, e history.Entry, version, value int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.ProjectionApply, Node: "balances", Group: "balances", Topic: "t",
		Partition: e.Partition, Offset: e.Offset, Key: e.Key, Event: e.Event, Type: e.Type, Amount: e.Amount, Version: version, Value: value}
}

func tCheckpoint(at int64, partition int, next int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Checkpoint, Node: "balances", Group: "balances", Topic: "t", Partition: partition, Offset: next}
}

func tRead(at int64, key string, version, value int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.QueryReturn, Node: "dashboard-0", Group: "balances", Key: key,
		Version: version, Value: value, Outcome: "ok"}
}

func TestTopicProjectionHolds(t *testing.T) {
	e1, e2 := tAppend(1, "e1", 0, 0, "acct-1", 5), tAppend(2, "e2", 0, 1, "acct-1", 7)
	h := hist(projSub(), e1, e2, tApply(5, e1, 1, 5), tApply(5, e2, 2, 12), tCheckpoint(5, 0, 2),
		tRead(6, "acct-1", 2, 12), end(10, true))
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Holds, nil, "1 read(s)", "1 final row(s)")
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Holds, nil, "1 read model(s) fed by a topic")
	expect(t, BoundedStaleness(h), "bounded-staleness", Holds, nil)
	// every record applied once: no repeat to judge
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Unknown, nil, "Not applicable")
}

// The projector applies e1, crashes before its checkpoint and applies it
// again after the restart.
func TestTopicProjectionAppliedTwice(t *testing.T) {
	e1 := tAppend(1, "e1", 0, 0, "acct-1", 5)
	a1, c, a2 := tApply(5, e1, 1, 5), crash(5, "balances", "after-apply"), tApply(20, e1, 2, 10)
	r := tRead(21, "acct-1", 2, 10)
	h := hist(projSub(), e1, a1, c, restart(15, "balances"), a2, tCheckpoint(20, 0, 1), r, end(30, true))
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Violated, []history.Entry{a1, c, a2},
		"making the row 10 at version 2, but the fold of the first 2 records of acct-1 in topic t is nothing", "the row counts it twice",
		"3 row(s) or read(s) in all")
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Violated, []history.Entry{a1, c, a2},
		"applied to read model balances twice", "before its checkpoint of t/0 passed offset 0", "1 repeated application of 1")
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Holds, nil)
}

// The topic holds e1 twice (a relay published it again): the projection
// equals the fold of its log, but the event moved the row twice.
func TestTopicProjectionLogDuplicate(t *testing.T) {
	e1, e1b := tAppend(1, "e1", 0, 0, "acct-1", 5), tAppend(2, "e1", 0, 1, "acct-1", 5)
	a1, a2 := tApply(5, e1, 1, 5), tApply(5, e1b, 2, 10)
	h := hist(projSub(), e1, e1b, a1, a2, tCheckpoint(5, 0, 2), end(10, true))
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Holds, nil)
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Violated, []history.Entry{a1, a2},
		"the topic holds it twice, at t/0 offset 0 (applied at +5ms) and at t/0 offset 1")
}

func TestTopicProjectionHole(t *testing.T) {
	e1, e2 := tAppend(1, "e1", 0, 0, "acct-1", 5), tAppend(2, "e2", 0, 1, "acct-1", 7)
	cp := tCheckpoint(5, 0, 2)
	h := hist(projSub(), e1, e2, tApply(5, e2, 1, 7), cp, end(10, true))
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Violated, []history.Entry{e1, cp},
		"checkpointed t/0 at offset 2 (+5ms), but record e1 of acct-1 at offset 0 was never applied", "1 hole(s) in all")
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Violated, []history.Entry{h.At(3)},
		"making the row 7 at version 1, but the fold of the first 1 records of acct-1 in topic t is 5", "2 row(s) or read(s) in all")
}

func TestTopicProjectionBehind(t *testing.T) {
	e1, e2 := tAppend(1, "e1", 0, 0, "acct-1", 5), tAppend(2, "e2", 1, 0, "acct-2", 7)
	cp := tCheckpoint(5, 0, 1)
	h := hist(projSub(), e1, e2, tApply(5, e1, 1, 5), cp, end(10, false))
	expect(t, BoundedStaleness(h), "bounded-staleness", Violated, []history.Entry{e2},
		"read model balances has checkpointed offset 0 of t/1: 1 record(s) of t not handled", "appended 8ms ago")
	st := Staleness(h)
	if len(st.Final) != 1 || st.Final[0].EventsBehind != 1 || st.Final[0].TimeBehind != 8e6 {
		t.Errorf("final staleness %+v, want 1 record 8ms behind", st.Final)
	}
}

// A key whose records lie in two partitions has no defined prefix: reads
// of it are not judged, its final row is.
func TestTopicProjectionSpreadKey(t *testing.T) {
	e1, e2 := tAppend(1, "e1", 0, 0, "acct-1", 5), tAppend(2, "e2", 1, 0, "acct-1", 7)
	h := hist(projSub(), e1, e2, tApply(5, e2, 1, 7), tRead(6, "acct-1", 1, 7), tApply(7, e1, 2, 12),
		tCheckpoint(7, 0, 1), tCheckpoint(7, 1, 1), end(10, true))
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Holds, nil, "3 row(s) and read(s) of keys spread over several partitions")
}

// A read model of the event store beside one of a topic: each is judged
// against its own log.
func TestTopicProjectionBesideStoreProjection(t *testing.T) {
	e1 := tAppend(1, "e1", 0, 0, "acct-1", 5)
	s1 := appendAt(1, "s1", 1)
	sa := applyAt(3, "s1", 1)
	sa.Group, sa.Node, sa.Type, sa.Amount, sa.Value = "totals", "totals", "Deposited", 5, 5
	scp := checkpointAt(3, 1)
	scp.Group, scp.Node = "totals", "totals"
	h := hist(projSub(), e1, s1, sa, scp, tApply(5, e1, 1, 5), tCheckpoint(5, 0, 1), end(10, true))
	expect(t, ProjectionEqualsFold(h), "projection-equals-fold", Holds, nil, "2 final row(s)")
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Holds, nil, "1 read model(s) of the event store", "1 read model(s) fed by a topic")
	expect(t, BoundedStaleness(h), "bounded-staleness", Holds, nil, "Each of the 2 read model(s)")
}
