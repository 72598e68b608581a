package scenarios_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/evsim/evsim/scenarios"
)

// swarmLedger is a ledger whose swarm draws, among other knobs, whether it
// deduplicates: the seeds that draw no dedup double-credit.
const swarmLedger = `name: swarm-ledger
duration: 2s
topics:
  - name: account-events
    partitions: 2
producers:
  - name: teller
    topic: account-events
    rate: 200/s
    keys: 10
    events:
      - type: Deposited
        amount: 1..100
consumers:
  - group: ledger
    topic: account-events
    members: 2
    handler: balance
    dedup: same-tx
    commit: after-handle
    processing: 1ms..3ms
faults:
  - crash: ledger
    point: after-effect
    probability: 1/50
    restart-after: 200ms
swarm:
  consumers[0].dedup: [same-tx, none]
  consumers[0].members: 1..3
  faults[0].probability: 1/100..1/10
  faults[0].restart-after: 50ms..1s
checks: [exactly-once-effects, no-loss]
`

// TestSwarmFailingSeedReproducesAlone: seeds draw different
// configurations; the drawn scenario of a failing seed, written as a file
// and parsed anew, fails the same way on its own, byte for byte the same
// run; a seed that draws the same values draws them every time.
func TestSwarmFailingSeedReproducesAlone(t *testing.T) {
	s, err := scenarios.Parse("swarm-ledger.yaml", []byte(swarmLedger))
	if err != nil {
		t.Fatal(err)
	}
	sheets := map[string]bool{}
	failed, held := 0, 0
	for seed := uint64(1); seed <= 12; seed++ {
		c, drawn, err := s.Draw(seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		again, drawnAgain, _ := s.Draw(seed)
		if fmt.Sprint(drawn) != fmt.Sprint(drawnAgain) || string(again.Source) != string(c.Source) {
			t.Fatalf("seed %d drew %v, then %v", seed, drawn, drawnAgain)
		}
		sheets[fmt.Sprint(drawn)] = true
		o, err := c.Run(seed)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Failures) == 0 {
			held++
			continue
		}
		failed++
		if !strings.Contains(string(c.Source), "dedup: none") {
			t.Errorf("seed %d failed (%v) without drawing dedup: none:\n%s", seed, o.Failures, c.Source)
		}
		alone, err := scenarios.Parse("swarm-ledger-repro.yaml", c.Source)
		if err != nil {
			t.Fatalf("seed %d: the drawn scenario does not parse on its own: %v\n%s", seed, err, c.Source)
		}
		if len(alone.Swarm) != 0 || alone.Seed != seed {
			t.Fatalf("seed %d: the drawn file still has a swarm block or seed %d", seed, alone.Seed)
		}
		r, err := alone.Run(alone.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if r.Checksum != o.Checksum || fmt.Sprint(r.Failures) != fmt.Sprint(o.Failures) {
			t.Fatalf("seed %d: the file alone ran differently: %v, want %v", seed, r.Failures, o.Failures)
		}
	}
	if failed == 0 || held == 0 || len(sheets) < 10 {
		t.Fatalf("%d seeds failed, %d held, %d distinct sheets: want both outcomes and the draws to differ", failed, held, len(sheets))
	}
}

func TestSwarmBadInput(t *testing.T) {
	base := swarmLedger[:strings.Index(swarmLedger, "swarm:")]
	for _, c := range []struct{ block, want string }{
		{"swarm:\n  consumers[3].members: 1..2\n", "swarm-ledger.yaml:28:3: swarm: consumers[3].members: consumers has no item [3]"},
		{"swarm:\n  nothing.here: 1..2\n", "the file has no nothing"},
		{"swarm:\n  consumers[0].members: 5..2\n", "want a range like 1..4"},
		{"swarm:\n  consumers[0].members: many\n", "want a range like 1..4"},
		{"swarm:\n  consumers[0].commit: []\n", "an empty list"},
		{"swarm:\n  seed: 1..9\n", "not the seed"},
	} {
		_, err := scenarios.Parse("swarm-ledger.yaml", []byte(base+c.block+"checks: [no-loss]\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want an error containing %q", c.block, err, c.want)
		}
	}
	// A range that draws a value the scenario refuses is reported with the
	// seed's scenario error.
	s, err := scenarios.Parse("swarm-ledger.yaml", []byte(base+"swarm:\n  consumers[0].members: 0..0\nchecks: [no-loss]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Draw(1); err == nil || !strings.Contains(err.Error(), "narrow the ranges") {
		t.Fatalf("drawing members 0: %v", err)
	}
}

// TestSwarmRangesThatOverflowAreRefused: a fraction range whose upper end
// is not a fraction, and whole-number or duration ranges too wide to draw
// from, are errors at the knob, not a panic when the file is parsed or a
// seed is drawn.
func TestSwarmRangesThatOverflowAreRefused(t *testing.T) {
	base := swarmLedger[:strings.Index(swarmLedger, "swarm:")]
	for _, block := range []string{
		"swarm:\n  faults[0].probability: 1/2..x\n",
		"swarm:\n  faults[0].probability: 1/2..3/2\n",
		"swarm:\n  consumers[0].members: -9223372036854775808..9223372036854775807\n",
		"swarm:\n  consumers[0].members: 0..9223372036854775807\n",
		"swarm:\n  faults[0].restart-after: 0s..2562047h47m16.854775807s\n",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%q: panic: %v", block, r)
				}
			}()
			s, err := scenarios.Parse("swarm-ledger.yaml", []byte(base+block+"checks: [no-loss]\n"))
			if err != nil {
				if !strings.Contains(err.Error(), "swarm-ledger.yaml:28:") {
					t.Errorf("%q: the error does not name the knob's line: %v", block, err)
				}
				return
			}
			for seed := uint64(1); seed <= 3; seed++ {
				if _, _, err := s.Draw(seed); err == nil {
					t.Errorf("%q: seed %d drew a scenario that parses", block, seed)
				}
			}
		}()
	}
	// Fractions with denominators near the limit of 64 bits draw within
	// their range.
	s, err := scenarios.Parse("swarm-ledger.yaml", []byte(base+"swarm:\n  faults[0].probability: 1/18446744073709551615..18446744073709551615/18446744073709551615\nchecks: [no-loss]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 20; seed++ {
		if _, drawn, err := s.Draw(seed); err != nil || len(drawn) != 1 {
			t.Fatalf("seed %d: %v %v", seed, drawn, err)
		}
	}
}
