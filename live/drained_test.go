package live

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
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

// TestStopLetsTheCommitInFlightFinish: when the run stops its members
// (the drain ended, the run was interrupted), a member's offset commit
// already sent is answered, not cut off by the run's own stop and
// recorded with outcome unknown: the broker took it, and a history that
// said it may not have would hide a commit the checks count. Every
// commit's answer here comes 300ms after its request; the run is stopped
// while one is in flight.
func TestStopLetsTheCommitInFlightFinish(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Parse("one-member.yaml", []byte(oneMember))
	if err != nil {
		t.Fatal(err)
	}
	var commits atomic.Int32
	o := Options{Seed: 1, Timeout: 15 * time.Second,
		cluster: func(c *kfake.Cluster) {
			c.ControlKey(int16(kmsg.OffsetCommit), func(kmsg.Request) (kmsg.Response, error, bool) {
				c.KeepControl()
				commits.Add(1)
				c.SleepControl(func() { time.Sleep(300 * time.Millisecond) })
				return nil, nil, false
			})
		}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for commits.Load() < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	res, err := Run(ctx, s, o)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res.History.OfKind(history.OffsetCommit) {
		n++
		if r.Outcome != history.OutcomeOK {
			t.Errorf("commit %+v: outcome %s, want ok", r, r.Outcome)
		}
	}
	if n < 2 {
		t.Errorf("%d commits recorded, want at least 2", n)
	}
}

// TestBrokerGoneMidRun: a broker that goes away mid-run ends the run
// within its timeout with the history recorded so far, not drained, and
// each failure said once: the drain asks the broker every 50ms, and its
// notes grew by one line a try.
func TestBrokerGoneMidRun(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	s.Duration = 1500 * time.Millisecond
	go func() { time.Sleep(time.Second); c.Close() }()
	start := time.Now()
	res, err := Run(context.Background(), s, Options{Brokers: c.ListenAddrs(), Seed: 3, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s with a 5s timeout", d)
	}
	if res.Drained || res.History.Len() == 0 {
		t.Errorf("drained=%v with %d records, want a partial history not drained", res.Drained, res.History.Len())
	}
	seen := map[string]bool{}
	for _, n := range res.Notes {
		if seen[n] {
			t.Errorf("note said twice: %s", n)
		}
		seen[n] = true
	}
	if len(res.Notes) > 10 {
		t.Errorf("%d notes: %q", len(res.Notes), res.Notes)
	}
	t.Logf("took %s; notes %q", time.Since(start), res.Notes)
}

// TestPublishFailIsRecordedAndTheRunGoesOn: a producer out of retries
// (ack-loss with retries 0, which a live run accepts) records each failed
// publish as publish-fail and the run goes on to its verdicts, as the
// simulation does; it failed the whole run at the first. A producer none
// of whose publishes was acknowledged still fails the run, saying so.
func TestPublishFailIsRecordedAndTheRunGoesOn(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Builtin("producer-retry-duplicates")
	if err != nil {
		t.Fatal(err)
	}
	s.Duration = time.Second
	p := &s.System.Producers[0]
	p.Retries = 0
	res, err := Run(context.Background(), s, Options{Seed: 1, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("live: %v", err)
	}
	if res.History.Count(history.PublishFail) == 0 || res.History.Count(history.PublishAck) == 0 {
		t.Fatalf("%d publish-fail and %d publish-ack records, want both", res.History.Count(history.PublishFail), res.History.Count(history.PublishAck))
	}
	if v := verdict(t, res, "no-loss"); v != checks.Holds {
		t.Errorf("no-loss = %s, want holds", v)
	}
	p.AckLoss.Num = 0
	p.RequestLoss.Num, p.RequestLoss.Den = 1, 1
	_, err = Run(context.Background(), s, Options{Seed: 1, Timeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "none of its") {
		t.Errorf("every request lost: err = %v, want none acknowledged", err)
	}
}

const lateGroup = `name: late-group
duration: 1s
topics:
  - name: t
    partitions: 1
producers:
  - name: p
    topic: t
    rate: 50/s
    events:
      - type: Deposited
consumers:
  - group: g
    topic: t
    members: 3
    handler: balance
  - group: late
    topic: t
    members: 1
    start: 1500ms
    handler: balance
checks: [no-loss, unseen]
`

// TestLateGroupAndIdleMembersDrain: members with no partition to get
// (three on one partition) and a group that joins only during the drain
// end in a drained run; the broker's "no such group" for the group not
// joined yet is not drained, not a failure to note.
func TestLateGroupAndIdleMembersDrain(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Parse("late-group.yaml", []byte(lateGroup))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), s, Options{Seed: 1, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Drained || !res.Met() {
		t.Errorf("drained=%v failures=%v, want drained and every check holding", res.Drained, res.Failures)
	}
	for _, n := range res.Notes {
		if strings.Contains(n, "GROUP_ID_NOT_FOUND") {
			t.Errorf("note: %s", n)
		}
	}
}
