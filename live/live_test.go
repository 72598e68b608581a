package live

import (
	"context"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// runBuiltin runs a built-in scenario live on the embedded cluster.
func runBuiltin(t *testing.T, name string, o Options) *Result {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	if o.Timeout == 0 {
		o.Timeout = 20 * time.Second
	}
	res, err := Run(context.Background(), s, o)
	if err != nil {
		t.Fatalf("live %s: %v", name, err)
	}
	return res
}

func verdict(t *testing.T, res *Result, check string) checks.Verdict {
	t.Helper()
	for _, r := range res.Results {
		if r.Check == check {
			return r.Verdict
		}
	}
	t.Fatalf("no verdict for %s", check)
	return ""
}

// TestDoubleCreditLive: the ledger without dedup, crashed after its
// effect and before its commit, on a real Kafka-protocol broker: the
// redelivered deposits are credited twice (exactly-once-effects violated)
// and nothing is lost.
func TestDoubleCreditLive(t *testing.T) {
	res := runBuiltin(t, "double-credit", Options{Seed: 1})
	t.Logf("crashes=%d drained=%v records=%d notes=%v", res.Crashes, res.Drained, res.History.Len(), res.Notes)
	if res.Crashes == 0 {
		t.Fatal("no member crashed: the run judged nothing")
	}
	if v := verdict(t, res, "exactly-once-effects"); v != checks.Violated {
		t.Errorf("exactly-once-effects = %s, want violated", v)
	}
	if v := verdict(t, res, "no-loss"); v != checks.Holds {
		t.Errorf("no-loss = %s, want holds", v)
	}
	if !res.Drained {
		t.Error("the run did not drain")
	}
}

// TestIdempotentConsumerLive: the same crashes with processed ids stored
// in the effect's transaction: every check holds.
func TestIdempotentConsumerLive(t *testing.T) {
	res := runBuiltin(t, "idempotent-consumer", Options{Seed: 1})
	t.Logf("crashes=%d drained=%v records=%d notes=%v", res.Crashes, res.Drained, res.History.Len(), res.Notes)
	if res.Crashes == 0 {
		t.Fatal("no member crashed: the run judged nothing")
	}
	for _, r := range res.Results {
		if r.Verdict != checks.Holds {
			t.Errorf("%s = %s, want holds: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}
