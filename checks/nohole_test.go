package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

func reserveAt(at, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.StoreReserve, Node: "event-store", Key: "acct-1", Command: "c1", Position: pos}
}

func appendAt(at int64, event string, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.StoreAppend, Node: "event-store", Key: "acct-1", Event: event,
		Type: "Deposited", Amount: 5, Version: pos, Position: pos, Command: "c" + event}
}

func applyAt(at int64, event string, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: "acct-1",
		Event: event, Version: pos, Position: pos}
}

func skipAt(at, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.ProjectionSkip, Node: "balances", Group: "balances", Position: pos, GapPolicy: "skip-after"}
}

// The projector skips position 1 after its delay; the append holding it
// commits later: lost below the checkpoint.
func TestNoHoleSkippedBeforeTheCommit(t *testing.T) {
	res, e2, ap2 := reserveAt(1, 1), appendAt(5, "e2", 2), applyAt(10, "e2", 2)
	sk, cp, e1 := skipAt(40, 1), checkpointAt(40, 2), appendAt(45, "e1", 1)
	h := hist(res, reserveAt(2, 2), e2, ap2, sk, cp, e1)
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Violated, []history.Entry{res, sk, cp, e1},
		"skipped position 1 as a gap (skip-after) at +40ms, and the event committed into it later, at +45ms",
		"held the position for 44ms", "1 hole(s) in all")
}

// The commit lands just before the skip, but after the read the skip was
// decided on.
func TestNoHoleSkippedOnAnOldRead(t *testing.T) {
	res, e1, sk, cp := reserveAt(1, 1), appendAt(39, "e1", 1), skipAt(40, 1), checkpointAt(40, 2)
	h := hist(res, reserveAt(2, 2), appendAt(5, "e2", 2), applyAt(10, "e2", 2), e1, sk, cp)
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Violated, []history.Entry{res, e1, sk, cp},
		"on a read of the log answered before the event committed at +39ms", "still on its way")
}

func TestNoHoleHolds(t *testing.T) {
	h := hist(reserveAt(1, 1), reserveAt(2, 2), appendAt(5, "e2", 2), appendAt(20, "e1", 1),
		applyAt(25, "e1", 1), applyAt(25, "e2", 2), checkpointAt(25, 2))
	expect(t, NoHoleBelowCheckpoint(h), "no-hole-below-checkpoint", Holds, nil, "1 read model(s)")
}
