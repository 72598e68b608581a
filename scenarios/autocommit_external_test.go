package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestAutoCommitRunsInsidePoll: Kafka's auto-commit commits from inside
// poll(), so a member that handles each batch before it polls again
// commits nothing while a batch is in hand, however short the interval,
// and then commits the position after the whole batch. With a worker
// thread the poll loop runs on, and commits land while the batch is
// still being handled.
func TestAutoCommitRunsInsidePoll(t *testing.T) {
	const knobs = `    start: 5s
    processing: 10ms
    commit: interval
    commit-interval: 20ms
    initial-rebalance-delay: 1s
`
	for _, worker := range []bool{false, true} {
		c := knobs
		if worker {
			c += "    worker-thread: true\n"
		}
		h := run(t, maxPollScenario(t, "", c), 1).History
		a := owner(t, h)
		var poll *history.Entry
		last, inside := -1, 0
		for i, r := range h.All() {
			if r.Node != a {
				continue
			}
			switch {
			case r.Kind == history.Poll && r.Count > 1 && poll == nil:
				poll = ptr(h.At(i))
			case poll != nil && last < 0 && r.Kind == history.Effect && r.Offset == poll.Offset+int64(poll.Count)-1:
				last = i
			case poll != nil && last < 0 && r.Kind == history.OffsetCommit:
				inside++
			}
		}
		if poll == nil || last < 0 {
			t.Fatalf("worker-thread %v: no batch of several records handled by %s", worker, a)
		}
		if worker && inside == 0 {
			t.Errorf("worker-thread: no commit while the batch of %d records was handled, want the poll loop's", poll.Count)
		}
		if !worker && inside > 0 {
			t.Errorf("poll loop: %d commits while the batch of %d records was handled, want none before the next poll", inside, poll.Count)
		}
	}
}
