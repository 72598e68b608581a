package live

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

const oneMember = `name: one-member
duration: 1s
topics:
  - name: t
    partitions: 2
producers:
  - name: p
    topic: t
    rate: 50/s
    keys: 4
    events:
      - type: Deposited
        amount: 1..10
consumers:
  - group: g
    topic: t
    members: 1
    handler: balance
checks: [no-loss]
`

// TestCommitOutcomesLive: the broker refuses one commit for the
// generation, one for a rebalance in progress, and answers a third only
// after the client gave up on it;
// the history records each with its outcome (fenced, rebalance-in-progress,
// unknown), the broker's error as the reason, and the member id and
// generation the request carried.
func TestCommitOutcomesLive(t *testing.T) {
	t.Parallel()
	s, err := scenarios.Parse("one-member.yaml", []byte(oneMember))
	if err != nil {
		t.Fatal(err)
	}
	var commits atomic.Int32
	o := Options{Seed: 1, Timeout: 15 * time.Second, commitTimeout: 300 * time.Millisecond,
		cluster: func(c *kfake.Cluster) {
			c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Err: kerr.IllegalGeneration, When: func(kmsg.Request) bool {
				return commits.Load() == 3
			}})
			c.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Err: kerr.RebalanceInProgress, When: func(kmsg.Request) bool {
				return commits.Load() == 6
			}})
			c.ControlKey(int16(kmsg.OffsetCommit), func(kmsg.Request) (kmsg.Response, error, bool) {
				c.KeepControl()
				if commits.Add(1) == 9 {
					// the 9th commit's answer comes after the client
					// gave up on it
					c.SleepControl(func() { time.Sleep(600 * time.Millisecond) })
				}
				return nil, nil, false
			})
		}}
	res, err := Run(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	got := map[history.Outcome]history.Entry{}
	for _, r := range res.History.All() {
		switch r.Kind {
		case history.OffsetCommit, history.CommitFenced:
			if _, ok := got[r.Outcome]; !ok {
				got[r.Outcome] = r
			}
			if r.Member == "" || r.Generation == 0 && r.Outcome == history.OutcomeOK {
				t.Errorf("a commit without the member id or generation its request carried: %+v", r)
			}
		}
	}
	for _, want := range []struct {
		outcome history.Outcome
		kind    history.Kind
		reason  string
	}{
		{history.OutcomeOK, history.OffsetCommit, ""},
		{history.OutcomeFenced, history.CommitFenced, "ILLEGAL_GENERATION"},
		{history.OutcomeRebalancing, history.CommitFenced, "REBALANCE_IN_PROGRESS"},
		{history.OutcomeUnknown, history.OffsetCommit, "context deadline exceeded"},
	} {
		r, ok := got[want.outcome]
		if !ok {
			t.Errorf("no commit with outcome %s (%d commits asked)", want.outcome, commits.Load())
			continue
		}
		if r.Kind != want.kind || !strings.Contains(r.Reason, want.reason) {
			t.Errorf("outcome %s: %s with reason %q, want %s with %q", want.outcome, r.Kind, r.Reason, want.kind, want.reason)
		}
	}
	t.Logf("commits asked %d; notes %q", commits.Load(), res.Notes)
}
