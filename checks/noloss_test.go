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
		history.Record{At: 1 * ms, Kind: history.Publish, Node: "p", Topic: "t", Event: "e3"},
		effect(2, "g-0", "e1", 0, 0), effect(2, "g-1", "e2", 1, 0),
		effect(3, "f-0", "e1", 0, 0),
		dedup(3, "f-0", "e2", 1, 0), // recognised as applied before
		commit(4, "g-0", 0, 1), commit(4, "g-1", 1, 1),
		// an event on a topic nobody consumes need not be applied
		history.Record{At: 5 * ms, Kind: history.PublishAck, Topic: "other", Event: "x1"},
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
	expect(t, NoLoss(h), "no-loss", Violated, []history.Record{a, d, c, cr},
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
	expect(t, NoLoss(h), "no-loss", Violated, []history.Record{a},
		"Event e1", "group f never applied it", "although the run drained")
}

func TestNoLossCountsEveryLoss(t *testing.T) {
	a1 := ack(1, "e1", 0, 0)
	h := hist(sub("f"), sub("g"), a1, ack(1, "e2", 0, 1), end(3, true))
	res := NoLoss(h)
	expect(t, res, "no-loss", Violated, []history.Record{a1}, "Event e1", "group f", "4 acknowledged event(s)")
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
			t.Errorf("%s on an empty history: %+v, want holds or not applicable", n, r)
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

// vacuous reports whether r is a verdict a check may give on a history
// with nothing to judge: holds, or unknown saying it is not applicable.
func vacuous(r Result) bool {
	return r.Verdict == Holds || r.Verdict == Unknown && strings.HasPrefix(r.Explanation, "Not applicable")
}
