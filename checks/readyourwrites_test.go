package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Tiny event-sourced histories: session s writes acct-1, gets version v
// at global position pos, then reads it back from read model balances.

func wrote(at int64, v, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.CommandReturn, Node: "s", Key: "acct-1", Type: "Deposit", Amount: 5,
		Outcome: "ok", Version: v, Position: pos}
}

func readBack(at int64, mode history.Mode, token, version, checkpoint int64, outcome history.Outcome) history.Entry {
	return history.Entry{At: at * ms, Kind: history.QueryReturn, Node: "s", Key: "acct-1", Group: "balances", Mode: mode,
		Token: token, Version: version, Position: checkpoint, Outcome: outcome}
}

func checkpointAt(at, pos int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Checkpoint, Node: "balances", Group: "balances", Position: pos}
}

func TestReadYourWritesHolds(t *testing.T) {
	h := hist(
		checkpointAt(1, 3),
		wrote(2, 2, 7),
		checkpointAt(8, 7),
		readBack(9, "read-your-writes", 7, 2, 7, "ok"),
		readBack(10, "eventual", 0, 2, 7, "ok"), // a later read of the same write
	)
	expect(t, ReadYourWrites(h), "read-your-writes", Holds, nil, "2 read(s)")
}

// A wait that takes a projection without a checkpoint as caught up: the
// projector has not started, the read returns at once with no row.
func TestReadYourWritesUnstartedProjection(t *testing.T) {
	w := wrote(2, 1, 1)
	r := readBack(3, "read-your-writes", 1, 0, 0, "ok")
	cp := checkpointAt(50, 4)
	h := hist(w, r, cp)
	expect(t, ReadYourWrites(h), "read-your-writes", Violated, []history.Entry{w, r, cp},
		"had no checkpoint yet: its projector had not started", "reached the write only at +50ms", "1 of 1 read(s)")
}

// The same wait right after a stop-then-rebuild reset the read model: the
// reset is part of the witness.
func TestReadYourWritesRebuildingProjection(t *testing.T) {
	w := wrote(2, 3, 9)
	reset := history.Entry{At: 5 * ms, Kind: history.ProjectionReset, Node: "balances", Group: "balances", Rebuild: "stop-then-rebuild"}
	r := readBack(6, "read-your-writes", 9, 0, 0, "ok")
	cp := checkpointAt(40, 12)
	h := hist(checkpointAt(1, 8), w, checkpointAt(3, 9), reset, r, cp)
	expect(t, ReadYourWrites(h), "read-your-writes", Violated, []history.Entry{w, reset, r, cp},
		"a stop-then-rebuild rebuild reset it at +5ms", "took a projection without a checkpoint as caught up")
}

// The wait on a stream version instead of a global position (E8's first
// variant).
func TestReadYourWritesWrongToken(t *testing.T) {
	w := wrote(2, 2, 30)
	r := readBack(3, "read-your-writes", 2, 1, 20, "ok")
	expect(t, ReadYourWrites(hist(w, r)), "read-your-writes", Violated, []history.Entry{w, r},
		"a token that is not the write's global position")
}

// A wait that timed out, or a query whose answer never came, read
// nothing: it is not a read that missed the write. With no other read
// there is nothing to judge; beside a read that reflects the write, the
// check holds and counts the timeout apart.
func TestReadYourWritesTimeoutIsNotARead(t *testing.T) {
	w := wrote(2, 2, 30)
	timedOut := readBack(2003, "read-your-writes", 30, 1, 20, "timeout")
	lost := readBack(2004, "eventual", 0, 0, 0, "unknown")
	expect(t, ReadYourWrites(hist(w, timedOut)), "read-your-writes", Unknown, nil,
		"Not applicable", "1 read(s) after a write timed out or never got an answer")
	expect(t, ReadYourWrites(hist(w, timedOut, lost, readBack(2100, "eventual", 0, 2, 30, "ok"))), "read-your-writes", Holds, nil,
		"Each of the 1 read(s)", "2 read(s) after a write timed out")
	// A hand-written read without an outcome is a read.
	r := readBack(2200, "eventual", 0, 1, 20, "")
	expect(t, ReadYourWrites(hist(w, timedOut, r)), "read-your-writes", Violated, []history.Entry{w, r}, "1 of 1 read(s)")
	// A crash ends the session: a read after it is a new session's.
	c := history.Entry{At: 3 * ms, Kind: history.Crash, Node: "s", CrashPoint: "after-append"}
	expect(t, ReadYourWrites(hist(w, c, readBack(4, "eventual", 0, 1, 20, "ok"))), "read-your-writes", Unknown, nil, "Not applicable")
}
