package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
)

// sagaChecks are the checks that tell saga-race from its fixed twin
// saga-optimistic (P3).
var sagaChecks = []string{"saga-single-instance", "saga-outcome"}

// TestSagaRaceAtItsSeed runs the P3 pair at the pinned seed: the broken
// saga violates both saga checks with a witness and an explanation; the
// optimistic twin holds them, drains, and shows its version check at
// work (conflicts retried).
func TestSagaRaceAtItsSeed(t *testing.T) {
	for _, name := range []string{"saga-race", "saga-optimistic"} {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if !o.Met() {
			t.Errorf("%s seed %d: %v", name, s.Seed, o.Failures)
		}
		if !o.Drained {
			t.Errorf("%s: did not drain", name)
		}
		for _, c := range sagaChecks {
			want := checks.Holds
			if name == "saga-race" {
				want = checks.Violated
			}
			if got := verdict(o, c); got != want {
				t.Errorf("%s: %s is %s, want %s", name, c, got, want)
			}
		}
		for _, r := range o.Results {
			if r.Verdict == checks.Violated && (len(r.Witness) == 0 || r.Explanation == "") {
				t.Errorf("%s: %s violated without a witness or an explanation", name, r.Check)
			}
		}
		if name == "saga-optimistic" {
			var explained bool
			for _, r := range o.Results {
				explained = explained || r.Check == "saga-single-instance" && strings.Contains(r.Explanation, "rejected by the version check")
			}
			if !explained {
				t.Errorf("%s: no write was rejected by the version check: the twin does not exercise the race", name)
			}
		}
		o.Release()
	}
}

// TestSagaRaceSeeds runs the broken saga over 20 seeds (both saga checks
// must be violated at most of them) and the optimistic twin over 200
// (every expectation met at each).
func TestSagaRaceSeeds(t *testing.T) {
	all := builtins(t)
	t.Run("saga-race", func(t *testing.T) {
		t.Parallel()
		s := all["saga-race"]
		const seeds = 20
		missed := runSeeds(t, s, seeds, func(o *Outcome) bool {
			for _, c := range sagaChecks {
				if verdict(o, c) != checks.Violated {
					return false
				}
			}
			return true
		})
		if len(missed) > seeds/2 {
			t.Fatalf("missed at %d of %d seeds; first: %s", len(missed), seeds, missed[0])
		}
	})
	t.Run("saga-optimistic", func(t *testing.T) {
		t.Parallel()
		s := all["saga-optimistic"]
		fails := runSeeds(t, s, TwinSeeds, func(o *Outcome) bool { return o.Met() && o.Drained })
		if len(fails) > 0 {
			t.Fatalf("%d of %d seeds failed; first: %s", len(fails), TwinSeeds, fails[0])
		}
	})
}

// TestSagaKeysParseStrictly checks the saga keys' errors: each names the
// file, line and column, and what to fix.
func TestSagaKeysParseStrictly(t *testing.T) {
	base := `name: s
duration: 1s
topics: [{name: orders}]
producers:
  - name: shop
    topic: orders
    rate: 10/s
%s
consumers:
  - group: g
    topic: orders
%s
checks: [saga-outcome]
`
	cases := []struct{ producer, consumer, want string }{
		{"    orders: {payment: 1ms..2ms, timeouts: 1/2, late: 0ms..1ms}", "    handler: order-saga\n    saga-concurrency: optimistic", ""},
		{"    orders: {payment: 1ms..2ms}\n    keys: 3", "    handler: order-saga", "s.yaml:9:5: producers[0]: keys goes without orders"},
		{"    orders: {payment: 1ms..2ms, timeout: 1/2}", "    handler: order-saga", `s.yaml:8:33: producers[0].orders: unknown key "timeout"`},
		{"    orders: {}", "    handler: balance\n    saga-concurrency: none", "s.yaml:13:5: consumers[0]: saga-concurrency goes with handler: order-saga"},
		{"    orders: {}", "    handler: order-saga\n    saga-concurrency: pessimistic", "s.yaml:13:23: consumers[0].saga-concurrency"},
	}
	for _, c := range cases {
		src := fmt.Sprintf(base, c.producer, c.consumer)
		s, err := Parse("s.yaml", []byte(src))
		if c.want == "" {
			if err != nil {
				t.Errorf("%v\n%s", err, src)
			} else if o := s.System.Producers[0].Orders; o == nil || o.Timeouts.Num != 1 || s.System.Consumers[0].Saga != "optimistic" {
				t.Errorf("parsed %+v, %+v", o, s.System.Consumers[0])
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q\n%s", err, c.want, src)
		}
	}
}

// TestSagaRaceIsInsideOneMember: saga-race's race comes from the records
// one member handles at once, not from its two members (the topic is
// keyed by order, so one member owns all of an order's events): with
// one member it still races at most seeds, and with concurrency 1 and two
// members both saga checks hold at every seed.
func TestSagaRaceIsInsideOneMember(t *testing.T) {
	src, err := builtinFS.ReadFile("saga-race.yaml")
	if err != nil {
		t.Fatal(err)
	}
	variant := func(old, new string) *Scenario {
		t.Helper()
		if !strings.Contains(string(src), old) {
			t.Fatalf("saga-race.yaml has no %q", old)
		}
		s, err := Parse("saga-race.yaml", []byte(strings.Replace(string(src), old, new, 1)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	const seeds = 20
	races := func(o *Outcome) bool {
		for _, c := range sagaChecks {
			if verdict(o, c) != checks.Violated {
				return false
			}
		}
		return true
	}
	if missed := runSeeds(t, variant("    members: 2\n", "    members: 1\n"), seeds, races); len(missed) > seeds/2 {
		t.Errorf("one member, concurrency 4: no race at %d of %d seeds; first: %s", len(missed), seeds, missed[0])
	}
	holds := func(o *Outcome) bool {
		for _, c := range sagaChecks {
			if verdict(o, c) != checks.Holds {
				return false
			}
		}
		return true
	}
	if fails := runSeeds(t, variant("    concurrency: 4\n", "    concurrency: 1\n"), seeds, holds); len(fails) > 0 {
		t.Errorf("two members, concurrency 1: a saga check failed at %d of %d seeds; first: %s", len(fails), seeds, fails[0])
	}
}
