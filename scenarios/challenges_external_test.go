package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/model/history"
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
			for _, r := range o.History.Records {
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
