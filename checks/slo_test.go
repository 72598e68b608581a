package checks

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
)

func sloAt(slo time.Duration) history.Entry {
	return history.Entry{Kind: history.StalenessSLO, Node: "balances", Group: "balances", SLO: int64(slo)}
}

// The time behind grows with the clock between samples while an event
// waits, and is 0 while the read model is caught up.
func TestTimeBehindAt(t *testing.T) {
	h := hist(sloAt(50*time.Millisecond), appendAt(10, "e1", 1), appendAt(20, "e2", 2), applyAt(70, "e1", 1), applyAt(90, "e2", 2))
	var s StalenessSeries
	for _, x := range Staleness(h).Series {
		if x.Group == "balances" {
			s = x
		}
	}
	for _, c := range []struct {
		at, want int64
	}{{5, 0}, {10, 0}, {15, 5}, {69, 59}, {70, 50}, {89, 69}, {90, 0}, {200, 0}} {
		if got := s.TimeBehindAt(c.at * ms); got != time.Duration(c.want*ms) {
			t.Errorf("TimeBehindAt(%dms) = %v, want %dms", c.at, got, c.want)
		}
	}
	// e1 waited 60ms (over 50ms from 60 to 70), then e2 70ms (over it
	// from 70 to 90): one breach from 60 to 90 at worst 70ms, at 90.
	bs := SLOBreaches(s, 50*time.Millisecond, 90*ms)
	if len(bs) != 1 || bs[0] != (SLOBreach{From: 60 * ms, To: 90 * ms, Worst: 70 * time.Millisecond, WorstAt: 90 * ms, Oldest: "e2"}) {
		t.Errorf("breaches %+v", bs)
	}
}

func TestStalenessWithinSLOHolds(t *testing.T) {
	h := hist(sloAt(100*time.Millisecond), appendAt(10, "e1", 1), applyAt(70, "e1", 1), checkpointAt(70, 1), end(80, true))
	expect(t, StalenessWithinSLO(h), "staleness-within-slo", Holds, nil,
		"Read model balances stayed within its 100ms SLO (its worst: 60ms behind at +70ms)")
	expect(t, StalenessWithinSLO(hist(appendAt(10, "e1", 1))), "staleness-within-slo", Unknown, nil, "Not applicable: no read model")
	expect(t, StalenessWithinSLO(hist(sloAt(time.Second), end(80, true))), "staleness-within-slo", Unknown, nil, "nothing was committed")
}

// The projector crashes while an event waits and comes back 500ms later:
// the witness is the commit, the crash, the restart and the apply.
func TestStalenessWithinSLOViolatedByACrash(t *testing.T) {
	c := appendAt(10, "e1", 1)
	cr := history.Entry{At: 12 * ms, Kind: history.Crash, Node: "balances", Group: "balances", CrashPoint: "before-apply"}
	rs := history.Entry{At: 512 * ms, Kind: history.Restart, Node: "balances", Group: "balances"}
	ap := applyAt(520, "e1", 1)
	h := hist(sloAt(250*time.Millisecond), c, cr, rs, ap, checkpointAt(520, 1), end(600, true))
	expect(t, StalenessWithinSLO(h), "staleness-within-slo", Violated, []history.Entry{c, cr, rs, ap},
		"more than its 250ms SLO behind 1 time(s), for 260ms in all, at worst 510ms",
		"event e1 of acct-1 committed at +10ms and was applied to read model balances only at +520ms",
		"crashed at +12ms (before-apply) and restarted at +512ms")
}

// An event never applied breaches the SLO up to the end of the run.
func TestStalenessWithinSLOViolatedAtTheEnd(t *testing.T) {
	c := appendAt(10, "e1", 1)
	h := hist(sloAt(100*time.Millisecond), c, end(400, false))
	expect(t, StalenessWithinSLO(h), "staleness-within-slo", Violated, []history.Entry{c},
		"was still missing from read model balances at +400ms, 390ms later", "The projector was up all along")
}
