package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

func TestNoLossHolds(t *testing.T) {
	h := hist(
		sub("g"), sub("f"),
		ack(1, "e1", 0, 0), ack(1, "e2", 1, 0),
		// a publish that was never acknowledged need not be applied
		history.Entry{At: 1 * ms, Kind: history.Publish, Node: "p", Topic: "t", Event: "e3"},
		effect(2, "g-0", "e1", 0, 0), effect(2, "g-1", "e2", 1, 0),
		effect(3, "f-0", "e1", 0, 0), effect(3, "f-0", "e2", 1, 0),
		dedup(3, "f-0", "e2", 1, 0), // recognised as applied before
		commit(4, "g-0", 0, 1), commit(4, "g-1", 1, 1),
		// an event on a topic nobody consumes need not be applied
		history.Entry{At: 5 * ms, Kind: history.PublishAck, Topic: "other", Event: "x1"},
		end(6, true),
	)
	expect(t, NoLoss(h), "no-loss", Holds, nil, "2 subscribed group(s)")
}

func TestNoLossViolatedByCommitBeforeHandle(t *testing.T) {
	// Commit before handling, crash between commit and effect: the
	// committed offset passed e2, which was never applied. The run did not
	// drain, yet the loss is certain.
	a := ack(1, "e2", 0, 1)
	d := deliver(3, "g-0", "e2", 0, 1, 1)
	c := commit(4, "g-0", 0, 2)
	cr := crash(4, "g-0", "after-commit")
	h := hist(
		sub("g"),
		ack(1, "e1", 0, 0), a,
		deliver(2, "g-0", "e1", 0, 0, 1), commit(2, "g-0", 0, 1), effect(2, "g-0", "e1", 0, 0),
		d, c, cr,
		restart(5, "g-0"),
		commit(7, "g-0", 1, 5), // another partition
		end(8, false),
	)
	expect(t, NoLoss(h), "no-loss", Violated, []history.Entry{a, d, c, cr},
		"Event e2", "group g never applied it", "committed offset moved past", "1 acknowledged event(s)")
}

func TestNoLossUnknownWhenRunEndedEarly(t *testing.T) {
	for name, h := range map[string]*history.History{
		"not drained": hist(sub("g"), ack(1, "e1", 0, 0), ack(1, "e2", 0, 1),
			effect(2, "g-0", "e1", 0, 0), end(3, false)),
		// a commit up to e2's offset means e2 is the next to read: not skipped
		"commit at the event": hist(sub("g"), ack(1, "e1", 0, 0), ack(1, "e2", 0, 1),
			effect(2, "g-0", "e1", 0, 0), commit(2, "g-0", 0, 1), end(3, false)),
		"commit past on another partition": hist(sub("g"), ack(1, "e1", 0, 0),
			commit(2, "g-0", 1, 9), end(3, false)),
		"no end record": hist(sub("g"), ack(1, "e1", 0, 0)),
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, NoLoss(h), "no-loss", Unknown, nil, "1 acknowledged event(s) were not applied yet", "nothing was skipped")
		})
	}
}

func TestNoLossViolatedWhenDrainedAndMissing(t *testing.T) {
	a := ack(1, "e1", 0, 0)
	h := hist(
		sub("g"), sub("f"), a,
		effect(2, "g-0", "e1", 0, 0), // g applied it, f never did
		end(3, true),
	)
	expect(t, NoLoss(h), "no-loss", Violated, []history.Entry{a},
		"Event e1", "group f never applied it", "although the run drained")
}

func TestNoLossCountsEveryLoss(t *testing.T) {
	a1 := ack(1, "e1", 0, 0)
	h := hist(sub("f"), sub("g"), a1, ack(1, "e2", 0, 1), end(3, true))
	res := NoLoss(h)
	expect(t, res, "no-loss", Violated, []history.Entry{a1}, "Event e1", "group f", "2 acknowledged event(s) in all were lost (4 losses")
}

func TestCatalog(t *testing.T) {
	names := Names()
	if len(names) != len(Catalog) || !slices.IsSorted(names) || !slices.Contains(names, "exactly-once-effects") || !slices.Contains(names, "no-loss") {
		t.Fatalf("Names() = %v", names)
	}
	for _, n := range names {
		c, err := Lookup(n)
		if err != nil || c.Name != n || c.Doc == "" || c.Run == nil {
			t.Errorf("Lookup(%q) = %+v, %v", n, c, err)
		}
		if r := c.Run(&history.History{}); r.Check != n || !vacuous(r) {
			t.Errorf("%s on an empty history: %+v, want unknown: not applicable", n, r)
		}
	}
	if _, err := Lookup("no-such-check"); err == nil {
		t.Fatal("Lookup of an unknown check gave no error")
	}
	for _, s := range []string{"holds", "violated", "unknown"} {
		if v, err := ParseVerdict(s); err != nil || string(v) != s {
			t.Errorf("ParseVerdict(%q) = %v, %v", s, v, err)
		}
	}
	if _, err := ParseVerdict("fine"); err == nil {
		t.Error("ParseVerdict(fine) gave no error")
	}
}

// A dedup counts as applying an event only after an effect of it by the
// same group and service.

func TestNoLossDedupMarkBeforeCrash(t *testing.T) {
	// g-0 marks e1 processed in a step of its own and crashes before the
	// effect; after the restart its dedup step skips e1.
	a := ack(1, "e1", 0, 0)
	d := deliver(2, "g-0", "e1", 0, 0, 1)
	cr := crash(3, "g-0", "before-effect")
	dd := dedup(5, "g-0", "e1", 0, 0)
	c := commit(5, "g-0", 0, 1)
	for name, h := range map[string]*history.History{
		"with deliveries": hist(sub("g"), a, d, cr, restart(4, "g-0"), deliver(5, "g-0", "e1", 0, 0, 2), dd, c, end(6, true)),
		"no deliveries":   hist(sub("g"), a, cr, restart(4, "g-0"), dd, c, end(6, true)),
		"not drained":     hist(sub("g"), a, d, cr, restart(4, "g-0"), dd, c, end(6, false)),
		"another member":  hist(sub("g"), a, d, cr, dedup(5, "g-1", "e1", 0, 0), commit(5, "g-1", 0, 1), end(6, true)),
	} {
		t.Run(name, func(t *testing.T) {
			r := NoLoss(h)
			if r.Verdict != Violated || !strings.Contains(r.Explanation, "dedup step skipped it") || !strings.Contains(r.Explanation, "1 acknowledged event(s)") {
				t.Fatalf("%s: %s", r.Verdict, r.Explanation)
			}
			if r.Witness[0] != a {
				t.Errorf("witness %v does not start with the acknowledgement", r.Witness)
			}
		})
	}
	// the effect of another service of the group, or of another group,
	// does not account for g's dedup
	other := effect(2, "f-0", "e1", 0, 0)
	svc := effect(2, "g-0", "e1", 0, 0)
	svc.Service = "audit"
	for name, e := range map[string]history.Entry{"another group": other, "another service": svc} {
		h := hist(sub("g"), sub("f"), a, e, dedup(5, "g-0", "e1", 0, 0), commit(5, "g-0", 0, 1), end(6, true))
		if r := NoLoss(h); r.Verdict != Violated {
			t.Errorf("%s: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

func TestNoLossFencedEffectThenDedup(t *testing.T) {
	// g-0 (generation 1) marks e1, stalls; g-1 of generation 2 owns the
	// partition now. g-0's effect transaction is fenced; g-1 finds the mark
	// and skips e1: no effect of e1 was ever committed.
	a := ack(1, "e1", 0, 0)
	d := deliver(2, "g-0", "e1", 0, 0, 1)
	f := history.Entry{At: 6 * ms, Kind: history.Fenced, Node: "g-0", Group: "g", Topic: "t", Event: "e1", Generation: 1}
	dd := dedup(5, "g-1", "e1", 0, 0)
	c := commit(5, "g-1", 0, 1)
	d2 := deliver(4, "g-1", "e1", 0, 0, 2)
	h := hist(sub("g"), a, d, d2, dd, c, f, end(7, true))
	expect(t, NoLoss(h), "no-loss", Violated, []history.Entry{a, d2, dd, c, f},
		"Event e1", "group g never applied it", "dedup step skipped it", "1 acknowledged event(s)")
	f.At = 3 * ms
	d2 = deliver(7, "g-1", "e1", 0, 0, 2)
	dd = dedup(8, "g-1", "e1", 0, 0)
	c = commit(8, "g-1", 0, 1)
	h = hist(sub("g"), a, d, f, d2, dd, c, end(9, true))
	expect(t, NoLoss(h), "no-loss", Violated, []history.Entry{a, f, d2, dd, c}, "rejected by fencing")
}

func TestNoLossDedupAfterEffectHolds(t *testing.T) {
	// the redelivery after the crash is skipped, and the effect before it
	// accounts for the event
	h := hist(sub("g"), ack(1, "e1", 0, 0), deliver(2, "g-0", "e1", 0, 0, 1), effect(2, "g-0", "e1", 0, 0),
		crash(3, "g-0", "after-effect"), restart(4, "g-0"), deliver(5, "g-0", "e1", 0, 0, 2), dedup(5, "g-0", "e1", 0, 0),
		commit(5, "g-0", 0, 1), end(6, true))
	expect(t, NoLoss(h), "no-loss", Holds, nil, "All 1 acknowledged events")
}

func TestNoLossNotApplicable(t *testing.T) {
	for name, h := range map[string]*history.History{
		"empty":          {},
		"no subscriber":  hist(ack(1, "e1", 0, 0), end(2, true)),
		"nothing acked":  hist(sub("g"), end(2, true)),
		"only published": hist(sub("g"), history.Entry{Kind: history.Publish, Topic: "t", Event: "e1"}, end(2, true)),
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, NoLoss(h), "no-loss", Unknown, nil, "Not applicable")
		})
	}
}

func TestDeliveryChecksNotApplicableOnAnEmptyHistory(t *testing.T) {
	for _, c := range []func(*history.History) Result{NoLoss, ExactlyOnceEffects, DuplicateDeliveryInvariance, Unseen, BoundedLag} {
		r := c(&history.History{})
		if r.Verdict != Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") {
			t.Errorf("%s on an empty history: %s: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}

// vacuous reports whether r is the verdict a check must give on a history
// with nothing to judge: unknown, saying it is not applicable and why.
func vacuous(r Result) bool {
	return r.Verdict == Unknown && strings.HasPrefix(r.Explanation, "Not applicable")
}
