package scenarios

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/evsim/evsim/checks"
)

// twins maps each built-in scenario that shows a failure to its fixed
// twin: the same system with the one knob that fixes it.
var twins = map[string]string{
	"double-credit":               "idempotent-consumer",            // C2
	"fan-out-shared-group":        "fan-out",                        // C1
	"key-order-round-robin":       "key-order-by-key",               // C6
	"queue-no-order":              "queue-one-consumer",             // C6, competing consumers
	"add-partitions-keyed":        "add-partitions-drain-first",     // partitions added to a keyed topic
	"hot-partition":               "hot-partition-key-parallel",     // hot partition
	"command-named-event":         "fact-named-event",               // C7
	"commit-before-handle":        "commit-after-handle",            // D1
	"commit-max-completed":        "commit-contiguous-prefix",       // D2
	"dedup-mark-before":           "dedup-mark-with-effect",         // D3
	"dedup-window-expires":        "dedup-window-covers-redelivery", // D3
	"dedup-per-member":            "dedup-shared",                   // D3
	"producer-retry-duplicates":   "idempotent-producer",            // D4
	"producer-retry-reorder":      "idempotent-producer-order",      // D5
	"zombie-consumer":             "fenced-consumer",                // D6
	"poison-retry-forever":        "poison-dead-letter",             // D7
	"poison-skip":                 "poison-dead-letter",             // D7
	"rebalance-storm":             "graceful-rebalance",             // D8
	"rolling-restart-dynamic":     "rolling-restart-static",         // static membership
	"retention-outruns-consumer":  "retention-covers-lag",           // log anomalies
	"queue-ack-timeout-too-short": "queue-ack-timeout",              // queue redelivery
	"saga-race":                   "saga-key-order",                 // P3
}

// TwinSeeds is how many seeds every fixed twin must hold over.
const TwinSeeds = 200

func builtins(t *testing.T) map[string]*Scenario {
	t.Helper()
	all, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*Scenario{}
	for _, s := range all {
		m[s.Name] = s
	}
	return m
}

// pubsubChecks are the checks of the pub/sub scenarios that some built-in
// scenario catches. nonmonotonic-poll and inconsistent-offsets are not
// among them: the simulated consumers never seek back within an
// assignment and the broker never reuses an offset; their oracle and
// mutation tests in checks prove them.
var pubsubChecks = []string{"no-loss", "exactly-once-effects", "duplicate-delivery-invariance", "key-order",
	"single-writer", "bounded-lag", "lag-within-slo", "log-duplicates", "lost-write", "unseen", "group-reread", "poll-skip",
	"nonmonotonic-send", "event-names", "stop-the-world"}

// TestTwinsArePaired checks that every pub/sub failure scenario has a
// fixed twin that pins holds for each check the failure pins violated, and
// that every pub/sub check is caught by some scenario and holds in some
// twin.
func TestTwinsArePaired(t *testing.T) {
	all := builtins(t)
	caught, held := map[string]bool{}, map[string]bool{}
	for broken, fixed := range twins {
		b, f := all[broken], all[fixed]
		if b == nil || f == nil {
			t.Errorf("missing scenario in pair %s -> %s", broken, fixed)
			continue
		}
		for check, v := range b.Expect {
			if v != checks.Violated {
				continue
			}
			caught[check] = true
			if !slices.Contains(f.Checks, check) || f.Expect[check] == checks.Violated || f.Expect[check] == checks.Unknown {
				t.Errorf("%s pins %s violated, but its twin %s does not pin it holds", broken, check, fixed)
			}
			held[check] = true
		}
	}
	for _, c := range pubsubChecks {
		if _, err := checks.Lookup(c); err != nil {
			t.Error(err)
		}
		if !caught[c] {
			t.Errorf("check %s is caught by no built-in scenario", c)
		}
		if !held[c] {
			t.Errorf("check %s holds in no fixed twin", c)
		}
	}
}

// TestFixedTwinsHold runs every fixed twin over TwinSeeds seeds: its
// expectations (every check holds) must be met at each one.
func TestFixedTwinsHold(t *testing.T) {
	all := builtins(t)
	seen := map[string]bool{}
	var names []string
	for _, f := range twins {
		if !seen[f] {
			seen[f] = true
			names = append(names, f)
		}
	}
	slices.Sort(names)
	seeds := uint64(TwinSeeds)
	if testing.Short() {
		seeds = 20
	}
	for _, name := range names {
		s := all[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fails := runSeeds(t, s, seeds, func(o *Outcome) bool { return o.Met() })
			if len(fails) > 0 {
				t.Fatalf("%d of %d seeds failed; first: %s", len(fails), seeds, fails[0])
			}
		})
	}
}

// TestBrokenScenariosCatch runs every failure scenario over a few seeds:
// its pinned violations must show at most of them, not only at the pinned
// seed.
func TestBrokenScenariosCatch(t *testing.T) {
	all := builtins(t)
	const seeds = 20
	for broken := range twins {
		s := all[broken]
		t.Run(broken, func(t *testing.T) {
			t.Parallel()
			missed := runSeeds(t, s, seeds, func(o *Outcome) bool {
				for _, r := range o.Results {
					if s.Expect[r.Check] == checks.Violated && r.Verdict != checks.Violated {
						return false
					}
				}
				return true
			})
			t.Logf("caught at %d of %d seeds", seeds-uint64(len(missed)), seeds)
			if len(missed) > seeds/2 {
				t.Fatalf("missed at %d of %d seeds; first: %s", len(missed), seeds, missed[0])
			}
		})
	}
}

// runSeeds runs s at seeds 1..n on every core and returns a description of
// each seed where ok is false, in seed order.
func runSeeds(t *testing.T, s *Scenario, n uint64, ok func(*Outcome) bool) []string {
	t.Helper()
	out := make([]string, n+1)
	var wg sync.WaitGroup
	next := make(chan uint64)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range next {
				o, err := s.Run(seed)
				switch {
				case err != nil:
					out[seed] = err.Error()
				case !ok(o):
					out[seed] = fmt.Sprintf("repro: evsim run %s --seed %d: %v", s.File, seed, o.Failures)
				}
				if o != nil {
					o.Release()
				}
			}
		}()
	}
	for seed := uint64(1); seed <= n; seed++ {
		next <- seed
	}
	close(next)
	wg.Wait()
	var fails []string
	for _, f := range out {
		if f != "" {
			fails = append(fails, f)
		}
	}
	return fails
}

// BenchmarkBuiltinLookup compares looking one built-in scenario up by name
// (its file alone is parsed) with parsing them all, the baseline.
func BenchmarkBuiltinLookup(b *testing.B) {
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			if _, err := Builtins(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one", func(b *testing.B) {
		for b.Loop() {
			if _, err := Builtin("stale-read"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBuiltinByName finds every built-in by name and refuses an unknown
// name or a pattern, listing the names.
func TestBuiltinByName(t *testing.T) {
	for _, n := range BuiltinNames() {
		s, err := Builtin(n)
		if err != nil || s.Name != n {
			t.Fatalf("Builtin(%q) = %v, %v", n, s, err)
		}
	}
	for _, bad := range []string{"no-such", "*", "double-credit/../x", ""} {
		if _, err := Builtin(bad); err == nil || !strings.Contains(err.Error(), "evsim list") {
			t.Errorf("Builtin(%q): err %v, want one pointing at evsim list", bad, err)
		}
	}
}

// TestCooperativeTwinHolds runs rolling-restart-cooperative, the second
// fixed twin of rolling-restart-dynamic (TestFixedTwinsHold runs the
// first, rolling-restart-static), over TwinSeeds seeds: its expectations
// must be met at each one.
func TestCooperativeTwinHolds(t *testing.T) {
	s := builtins(t)["rolling-restart-cooperative"]
	seeds := uint64(TwinSeeds)
	if testing.Short() {
		seeds = 20
	}
	if fails := runSeeds(t, s, seeds, func(o *Outcome) bool { return o.Met() }); len(fails) > 0 {
		t.Fatalf("%d of %d seeds failed; first: %s", len(fails), seeds, fails[0])
	}
}
