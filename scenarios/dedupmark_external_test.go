package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// TestNoLossCatchesAFencedMark: the model marks an id before an effect
// transaction that fencing refuses, and a later dedup skips the event.
// no-loss is violated, and its witness holds the fenced transaction and
// the dedup of the same event.
func TestNoLossCatchesAFencedMark(t *testing.T) {
	s := testdataScenario(t, "fenced-mark-before")
	o := run(t, s, s.Seed)
	r := checks.NoLoss(o.History)
	if r.Verdict != checks.Violated {
		t.Fatalf("no-loss %s: %s", r.Verdict, r.Explanation)
	}
	var fenced, dedup *history.Entry
	for i := range r.Witness {
		switch w := &r.Witness[i]; w.Kind {
		case history.Fenced:
			fenced = w
		case history.Dedup:
			dedup = w
		}
	}
	if fenced == nil || dedup == nil || fenced.Event != dedup.Event || fenced.At > dedup.At {
		t.Fatalf("witness lacks a fenced effect followed by a dedup of its event: %v", r.Witness)
	}
}
