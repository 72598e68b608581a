package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
)

// Regression tests of the projection and snapshot checks: each history
// holds an anomaly an earlier version let pass, and its fixed twin.

func stored(at int64, key, event, typ string, amount, version int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.StoreAppend, Node: "event-store", Key: key, Event: event, Type: typ,
		Amount: amount, Version: version, Position: version, Command: "c-" + event}
}

func snapshotOf(at int64, key string, version int64, state string, logic int) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Snapshot, Node: "teller-0", Key: key, Version: version, State: state, Logic: logic}
}

func loadOf(at int64, key string, basis, version int64, state, replay string, logic int) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Load, Node: "teller-1", Key: key, Basis: basis, Version: version,
		State: state, Replay: replay, Logic: logic}
}

// A load whose state and reported replay are both wrong: the check folds
// the stream itself and catches it; a wrong snapshot is caught before
// anything loads it.
func TestSnapshotReplayFoldsTheStreamItself(t *testing.T) {
	e1, e2, e3 := stored(1, "acct-1", "e1", "Opened", 0, 1), stored(2, "acct-1", "e2", "Deposited", 100, 2), stored(3, "acct-1", "e3", "Withdrawn", 30, 3)
	snap := snapshotOf(2, "acct-1", 2, "open=true balance=100", 1)
	bad := loadOf(4, "acct-1", 2, 3, "open=true balance=90", "open=true balance=90", 1)
	expect(t, SnapshotReplay(hist(e1, e2, snap, e3, bad)), "snapshot-replay", Violated, []history.Entry{snap, bad},
		`got "open=true balance=90", but folding the first 3 stored event(s) of the stream with apply logic 1 gives "open=true balance=70"`,
		"both are wrong", "1 of 2 load(s) and snapshot(s)")
	good := loadOf(4, "acct-1", 2, 3, "open=true balance=70", "open=true balance=70", 1)
	expect(t, SnapshotReplay(hist(e1, e2, snap, e3, good)), "snapshot-replay", Holds, nil, "1 load(s) and 1 snapshot(s)")

	// A wrong snapshot, never loaded.
	wrong := snapshotOf(2, "acct-1", 2, "open=true balance=120", 1)
	expect(t, SnapshotReplay(hist(e1, e2, wrong, e3)), "snapshot-replay", Violated, []history.Entry{wrong},
		`holding "open=true balance=120" (apply logic 1)`, `gives "open=true balance=100"`)

	// Apply logic 2 keeps cents; a cart folds its items.
	cents := loadOf(4, "acct-1", 0, 3, "open=true balance=7000c", "", 2)
	expect(t, SnapshotReplay(hist(e1, e2, e3, cents)), "snapshot-replay", Holds, nil)
	c1, c2 := stored(1, "cart-1", "i1", "ItemAdded", 3, 1), stored(2, "cart-1", "i2", "CheckedOut", 0, 2)
	cart := loadOf(3, "cart-1", 1, 2, "items=3 checked-out=false", "items=3 checked-out=true", 1)
	expect(t, SnapshotReplay(hist(c1, c2, cart)), "snapshot-replay", Violated, []history.Entry{cart}, `gives "items=3 checked-out=true"`)

	// A user's aggregate: the check cannot fold it and says it compared
	// the reported replay.
	u1 := stored(1, "user-1", "u1", "Renamed", 0, 1)
	user := loadOf(2, "user-1", 1, 1, "name=a", "name=a", 1)
	expect(t, SnapshotReplay(hist(u1, user)), "snapshot-replay", Holds, nil, "cannot fold matched only the full replay they report")
	expect(t, SnapshotReplay(hist(u1, loadOf(2, "user-1", 1, 1, "name=a", "", 1))), "snapshot-replay", Unknown, nil, "Not applicable")
}

func applied(at int64, e history.Entry, value int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.ProjectionApply, Node: "balances", Group: "balances", Key: e.Key,
		Event: e.Event, Type: e.Type, Amount: e.Amount, Version: e.Version, Position: e.Position, Value: value}
}

// An applied row that differs from the fold, in a run that did not drain
// and where no query read the row: judged all the same.
func TestProjectionEqualsFoldJudgesAppliedRows(t *testing.T) {
	e1, e2 := stored(1, "acct-1", "e1", "Deposited", 5, 1), stored(2, "acct-1", "e2", "Deposited", 5, 2)
	a1 := applied(3, e1, 5)
	wrong := applied(4, e2, 15)
	expect(t, ProjectionEqualsFold(hist(e1, e2, a1, wrong, end(10, false))), "projection-equals-fold", Violated, []history.Entry{wrong},
		"making the row 15 at version 2, but the fold of the first 2 events of the stream is 10", "1 row(s) or read(s) in all")

	// Skipped: e1 never applied, so the row after e2 misses it.
	skipped := applied(4, e2, 5)
	expect(t, ProjectionEqualsFold(hist(e1, e2, skipped, end(10, false))), "projection-equals-fold", Violated, []history.Entry{e1, skipped},
		"Version 1 of acct-1 (event e1, Deposited 5, position 1) was never applied")

	// Applied twice across a crash of the projector.
	c := history.Entry{At: 3 * ms, Kind: history.Crash, Node: "balances", Group: "balances", CrashPoint: "after-apply"}
	again := applied(5, e1, 10)
	expect(t, ProjectionEqualsFold(hist(e1, a1, c, again, end(10, false))), "projection-equals-fold", Violated, []history.Entry{a1, c, again},
		"the row counts it twice", "balances crashed at +3ms (after-apply) in between")

	// The fixed twin: every row equals the fold; the run did not drain.
	expect(t, ProjectionEqualsFold(hist(e1, e2, a1, applied(4, e2, 10), end(10, false))), "projection-equals-fold", Holds, nil,
		"Each of the 2 row(s) applied", "did not drain")
}

// A read model stuck before its first event: no apply, no checkpoint.
// It is known from its staleness SLO, a query of it, or its subscription.
func TestBoundedStalenessReadModelWithoutCheckpoint(t *testing.T) {
	e1 := stored(1, "acct-1", "e1", "Deposited", 5, 1)
	for _, named := range []history.Entry{
		sloAt(time.Second),
		{At: 2 * ms, Kind: history.QueryReturn, Node: "dash-0", Group: "balances", Key: "acct-1", Outcome: history.OutcomeOK},
		{At: 2 * ms, Kind: history.ProjectionSkip, Node: "balances", Group: "balances", Position: 1},
	} {
		expect(t, BoundedStaleness(hist(named, e1, end(100, true))), "bounded-staleness", Violated, []history.Entry{e1},
			"read model balances has checkpointed 0: 1 committed event(s) above it", "never checkpointed")
	}
	// Fed by a topic, known from its subscription only.
	ta := tAppend(1, "e1", 0, 0, "acct-1", 5)
	expect(t, BoundedStaleness(hist(projSub(), ta, end(100, true))), "bounded-staleness", Violated, []history.Entry{ta},
		"read model balances has checkpointed offset 0 of t/0")
	// A consumer group's crash does not make it a read model.
	cr := crash(2, "g-0", "before-commit")
	expect(t, BoundedStaleness(hist(cr, e1, end(100, true))), "bounded-staleness", Unknown, nil, "Not applicable: the history has no read model")
	// Nothing committed: nothing to catch up with.
	expect(t, BoundedStaleness(hist(sloAt(time.Second), end(100, true))), "bounded-staleness", Unknown, nil, "nothing was committed")
	// The twin: the read model checkpointed the event.
	expect(t, BoundedStaleness(hist(sloAt(time.Second), e1, applied(3, e1, 5), checkpointAt(3, 1), end(100, true))),
		"bounded-staleness", Holds, nil, "Each of the 1 read model(s)")
}

// Every check of the family says unknown, with the reason, on a history
// with nothing for it to judge.
func TestProjectionChecksUnknownWithNothingToJudge(t *testing.T) {
	// Only a pub/sub consumer's records.
	other := hist(sub("g"), ack(1, "e1", 0, 0), deliver(2, "g-0", "e1", 0, 0, 1), effect(3, "g-0", "e1", 0, 0), end(4, true))
	for _, h := range []*history.History{{}, other} {
		for _, c := range []func(*history.History) Result{ProjectionEqualsFold, NoHoleBelowCheckpoint, ReadYourWrites,
			SnapshotReplay, BoundedStaleness, StalenessWithinSLO} {
			r := c(h)
			if r.Verdict != Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") || r.Witness != nil {
				t.Errorf("%s on %d records: %s: %s", r.Check, h.Len(), r.Verdict, r.Explanation)
			}
		}
	}
}

// A stop-then-rebuild sets the checkpoint back to 0: a rebuild that never
// checkpoints again has not caught up, whatever the checkpoint before it.
func TestBoundedStalenessAfterStopThenRebuild(t *testing.T) {
	e1 := stored(1, "acct-1", "e1", "Deposited", 5, 1)
	reset := history.Entry{At: 5 * ms, Kind: history.ProjectionReset, Node: "balances", Group: "balances", Rebuild: history.RebuildMode(history.RebuildStopFirst)}
	h := hist(e1, applied(2, e1, 5), checkpointAt(2, 1), reset, end(100, true))
	expect(t, BoundedStaleness(h), "bounded-staleness", Violated, []history.Entry{e1, reset},
		"read model balances has checkpointed 0", "never checkpointed after its stop-then-rebuild reset at +5ms")
	h = hist(e1, applied(2, e1, 5), checkpointAt(2, 1), reset, applied(6, e1, 5), checkpointAt(6, 1), end(100, true))
	expect(t, BoundedStaleness(h), "bounded-staleness", Holds, nil)
	// A blue-green rebuild leaves the live checkpoint in force.
	bg := reset
	bg.Rebuild = history.RebuildBlueGreen
	expect(t, BoundedStaleness(hist(e1, applied(2, e1, 5), checkpointAt(2, 1), bg, end(100, true))), "bounded-staleness", Holds, nil)
}

// An apply of an id the log does not hold does not make up for a
// committed event the read model never applied.
func TestStalenessCountsOnlyCommittedApplies(t *testing.T) {
	e1 := stored(10, "acct-1", "e1", "Deposited", 5, 1)
	phantom := applied(20, stored(20, "acct-1", "x", "Deposited", 5, 1), 5)
	h := hist(sloAt(50*time.Millisecond), e1, phantom, end(200, false))
	st := Staleness(h)
	if len(st.Final) != 1 || st.Final[0].EventsBehind != 1 || st.Final[0].TimeBehind != 190*time.Millisecond {
		t.Errorf("final staleness %+v, want e1 missing 190ms", st.Final)
	}
	expect(t, StalenessWithinSLO(h), "staleness-within-slo", Violated, []history.Entry{e1}, "was still missing from read model balances at +200ms")
}
