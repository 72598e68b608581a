package live

import (
	"context"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestMembersWriteOnlyTheirPartitionsAcrossRebalances: a live member, as
// the simulated one (and Kafka's Java consumer, which rebalances inside
// poll), finishes the batch in hand before it gives up its partitions:
// it never applies or commits a record of a partition a rebalance took
// from it. Crashes of two members rebalance the group again and again;
// single-writer holds live as it does simulated.
func TestMembersWriteOnlyTheirPartitionsAcrossRebalances(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	s.Duration = 2 * time.Second
	s.Checks = []string{"single-writer"}
	// Slow handling keeps a batch in hand, and a short session ends the
	// crashed member's membership soon: its restart rejoins a group of
	// live members, which rebalances at once while the survivor is still
	// handling the batch it polled.
	g := &s.System.Consumers[0]
	g.ProcessingMin, g.ProcessingMax = 5*time.Millisecond, 10*time.Millisecond
	g.SessionTimeout, g.HeartbeatInterval = 150*time.Millisecond, 30*time.Millisecond
	for _, seed := range []uint64{1, 3} {
		res, err := Run(context.Background(), s, Options{Seed: seed, Timeout: 20 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if res.Crashes == 0 {
			t.Fatalf("seed %d: no member crashed: no rebalance was judged", seed)
		}
		if v := verdict(t, res, "single-writer"); v != checks.Holds {
			t.Errorf("seed %d: single-writer = %s, want holds: %s", seed, v, res.Results[0].Explanation)
		}
	}
}

// TestLivePollsAreJudged: a live member records its polls as the
// simulated one does (the offsets each spans, in its generation), so the
// poll checks judge a live run rather than answer not applicable: within
// one consumer polls move forward, and the crashed members' group reads
// again what it had not committed (group-reread violated, as simulated).
func TestLivePollsAreJudged(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	s.Duration = 2 * time.Second
	s.Checks = []string{"nonmonotonic-poll", "poll-skip", "group-reread"}
	res, err := Run(context.Background(), s, Options{Seed: 7, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.History.Count(history.Poll) == 0 {
		t.Fatal("no poll recorded")
	}
	if res.Crashes == 0 {
		t.Fatal("no member crashed: the group had nothing to read again")
	}
	want := map[string]checks.Verdict{"nonmonotonic-poll": checks.Holds, "poll-skip": checks.Holds, "group-reread": checks.Violated}
	for _, r := range res.Results {
		if r.Verdict != want[r.Check] {
			t.Errorf("%s = %s, want %s: %s", r.Check, r.Verdict, want[r.Check], r.Explanation)
		}
	}
}
