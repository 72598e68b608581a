package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestCommitOfUnknownOutcomeIsNotCounted: a live commit whose answer never
// came (Outcome unknown) may not have moved the group's offset. The same
// history with the commit taken (Outcome ok, or no outcome as a simulation
// writes it) loses e2 for good; with the outcome unknown no-loss cannot
// tell and says unknown, and lag does not count the commit either.
func TestCommitOfUnknownOutcomeIsNotCounted(t *testing.T) {
	build := func(o history.Outcome) *history.History {
		c := commit(4, "g-0", 0, 2)
		c.Outcome = o
		return hist(
			sub("g"),
			ack(1, "e1", 0, 0), ack(1, "e2", 0, 1),
			deliver(2, "g-0", "e1", 0, 0, 1), effect(2, "g-0", "e1", 0, 0), commit(2, "g-0", 0, 1),
			deliver(3, "g-0", "e2", 0, 1, 1), c, crash(4, "g-0", "after-commit"),
			end(8, false),
		)
	}
	for _, o := range []history.Outcome{history.OutcomeNone, history.OutcomeOK} {
		if got := NoLoss(build(o)); got.Verdict != Violated {
			t.Errorf("outcome %q: no-loss %s, want violated: %s", o, got.Verdict, got.Explanation)
		}
	}
	if got := NoLoss(build(history.OutcomeUnknown)); got.Verdict != Unknown {
		t.Errorf("outcome unknown: no-loss %s, want unknown: %s", got.Verdict, got.Explanation)
	}
}

// TestSingleWriterIgnoresCommitsOfUnknownOutcome: a stale generation's
// commit counts as a zombie's write when the broker took it, and not when
// its answer never came.
func TestSingleWriterIgnoresCommitsOfUnknownOutcome(t *testing.T) {
	build := func(o history.Outcome) *history.History {
		newer := commit(2, "g-1", 0, 3)
		newer.Generation = 2
		stale := commit(3, "g-0", 0, 2)
		stale.Generation, stale.Outcome = 1, o
		return hist(sub("g"), newer, stale, end(4, true))
	}
	if got := SingleWriter(build(history.OutcomeOK)); got.Verdict != Violated {
		t.Errorf("outcome ok: single-writer %s, want violated: %s", got.Verdict, got.Explanation)
	}
	if got := SingleWriter(build(history.OutcomeUnknown)); got.Verdict != Holds {
		t.Errorf("outcome unknown: single-writer %s, want holds: %s", got.Verdict, got.Explanation)
	}
}
