package scenarios_test

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestProduceConsumeChallenge: the teller publishes exactly three events;
// the ledger and the notifier each apply all three, once each; the ledger
// gets one of them delivered again after its crash and skips it (the
// replay), where its naive twin applies it a second time.
func TestProduceConsumeChallenge(t *testing.T) {
	for _, c := range []struct {
		name    string
		skipped bool
	}{{"challenge-produce-consume", true}, {"challenge-produce-consume-naive", false}} {
		s := builtin(t, c.name)
		for seed := uint64(1); seed <= 20; seed++ {
			o := run(t, s, seed)
			published := map[string]bool{}
			effects := map[string]map[string]int{} // group -> event -> effects
			delivered := map[string]int{}          // ledger deliveries per event
			dedups := 0
			for _, r := range o.History.All() {
				switch r.Kind {
				case history.Publish:
					published[r.Event] = true
				case history.Effect:
					if effects[r.Group] == nil {
						effects[r.Group] = map[string]int{}
					}
					effects[r.Group][r.Event]++
				case history.Deliver:
					if r.Group == "ledger" {
						delivered[r.Event]++
					}
				case history.Dedup:
					dedups++
				}
			}
			if len(published) != 3 || !published["teller-1"] || !published["teller-2"] || !published["teller-3"] {
				t.Fatalf("%s seed %d: published %v, want teller-1..3", c.name, seed, published)
			}
			replayed := 0
			for _, n := range delivered {
				if n > 1 {
					replayed++
				}
			}
			if replayed == 0 {
				t.Fatalf("%s seed %d: no event was delivered to the ledger again", c.name, seed)
			}
			for _, g := range []string{"ledger", "notifier"} {
				for ev := range published {
					want := 1
					if g == "ledger" && !c.skipped && delivered[ev] > 1 {
						want = 2
					}
					if got := effects[g][ev]; got != want {
						t.Errorf("%s seed %d: group %s applied %s %d times, want %d", c.name, seed, g, ev, got, want)
					}
				}
			}
			if c.skipped != (dedups > 0) {
				t.Errorf("%s seed %d: %d dedup skips", c.name, seed, dedups)
			}
			if len(o.Failures) > 0 {
				t.Errorf("%s seed %d: %v", c.name, seed, o.Failures)
			}
		}
	}
}

// TestEventSourcedAccountChallenge: the account's six events land at
// versions 1..6, and at least one load starts from a snapshot and folds
// only the tail, getting the state the full replay gets; the last
// answer is the balance of the six facts, 100.
func TestEventSourcedAccountChallenge(t *testing.T) {
	s := builtin(t, "challenge-event-sourced-account")
	for seed := uint64(1); seed <= 20; seed++ {
		o := run(t, s, seed)
		var versions []int64
		fromSnapshot := 0
		var last int64 = -1
		for _, r := range o.History.All() {
			switch r.Kind {
			case history.StoreAppend:
				versions = append(versions, r.Version)
			case history.Load:
				if r.Basis > 0 && r.Version > r.Basis {
					fromSnapshot++
					if r.State != r.Replay {
						t.Errorf("seed %d: load at version %d from snapshot %d: %q, full replay %q", seed, r.Version, r.Basis, r.State, r.Replay)
					}
				}
			case history.CommandReturn:
				last = r.Value
			}
		}
		if len(versions) != 6 || versions[0] != 1 || versions[5] != 6 {
			t.Fatalf("seed %d: versions %v, want 1..6", seed, versions)
		}
		if fromSnapshot == 0 {
			t.Errorf("seed %d: no load folded a tail onto a snapshot", seed)
		}
		if last != 100 {
			t.Errorf("seed %d: last balance %d, want 100", seed, last)
		}
		if len(o.Failures) > 0 {
			t.Errorf("seed %d: %v", seed, o.Failures)
		}
	}
}

// TestProducerCountSurvivesACrash: a teller that crashes after sending
// its second event and restarts still publishes exactly teller-1..3: its
// event counter is durable, and count stops it after the third.
func TestProducerCountSurvivesACrash(t *testing.T) {
	s := builtin(t, "challenge-produce-consume")
	src := strings.Replace(string(s.Source), "faults:\n", "faults:\n  - crash: teller\n    point: after-send\n    at-hit: 2\n    restart-after: 50ms\n", 1)
	p, err := scenarios.Parse("crash.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 10; seed++ {
		o := run(t, p, seed)
		var ids []string
		crashed := false
		for _, r := range o.History.All() {
			switch {
			case r.Kind == history.Publish:
				ids = append(ids, r.Event)
			case r.Kind == history.Crash && r.Node == "teller":
				crashed = true
			}
		}
		if !crashed || strings.Join(ids, ",") != "teller-1,teller-2,teller-3" {
			t.Fatalf("seed %d: crashed %v, published %v: want teller-1..3 across the crash", seed, crashed, ids)
		}
	}
}
