package live

import (
	"context"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

const memberGone = `name: member-gone
duration: 1s
topics:
  - name: t
    partitions: 2
producers:
  - name: p
    topic: t
    rate: 100/s
    keys: 4
    events:
      - type: Deposited
        amount: 1..10
consumers:
  - group: g
    topic: t
    members: 2
    handler: balance
    session-timeout: 300ms
    heartbeat: 50ms
faults:
  - crash: g-0
    point: after-commit
    at-hit: 5
    restart-after: never
checks: [bounded-lag, no-loss]
`

// TestEndNotDrainedWhileAMemberIsDown: the end record's drained means in
// a live run what it means simulated: the groups caught up and no member
// is down. A member that crashes and never restarts keeps the run from
// draining even though the other member takes over its partitions and
// the broker's offsets reach the end (bounded-lag unknown, as
// simulated), and the drain gives up once the others caught up rather
// than wait out its 60s.
func TestEndNotDrainedWhileAMemberIsDown(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Parse("member-gone.yaml", []byte(memberGone))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := Run(context.Background(), s, Options{Seed: 1, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the run took %s: its drain waited for a member that never restarts", d)
	}
	if res.Crashes != 1 {
		t.Fatalf("crashes = %d, want 1", res.Crashes)
	}
	if sim.Drained || res.Drained {
		t.Errorf("drained: simulated %v, live %v; want false in both", sim.Drained, res.Drained)
	}
	for i, r := range res.Results {
		if r.Verdict != sim.Results[i].Verdict {
			t.Errorf("%s: live %s, simulated %s: %s", r.Check, r.Verdict, sim.Results[i].Verdict, r.Explanation)
		}
	}
	if v := verdict(t, res, "no-loss"); v != checks.Holds {
		t.Errorf("no-loss = %s, want holds: the other member took over", v)
	}
}
