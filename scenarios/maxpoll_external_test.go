package scenarios_test

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// maxPollScenario is a ledger of two members on one partition: member
// knobs are appended to the consumer.
func maxPollScenario(t *testing.T, producer, consumer string) *scenarios.Scenario {
	t.Helper()
	src := `name: max-poll
duration: 20s
drain: 5s
topics:
  - name: account-events
producers:
  - name: teller
    topic: account-events
    rate: 5/s
    events:
      - type: Deposited
` + producer + `
consumers:
  - group: ledger
    topic: account-events
    members: 2
    handler: balance
` + consumer + `
checks: [exactly-once-effects]
expect:
  exactly-once-effects: unknown
`
	s, err := scenarios.Parse("max-poll.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// owner returns the member first assigned partition 0.
func owner(t *testing.T, h *history.History) string {
	t.Helper()
	for _, r := range h.All() {
		if r.Kind == history.Assign && r.Partitions == "0" {
			return r.Node
		}
	}
	t.Fatal("no member was assigned partition 0")
	return ""
}

// TestSlowHandlerLeavesAfterMaxPollInterval: a member that heartbeats but
// holds a batch longer than its max poll interval leaves the group at the
// interval's end (not expired: its heartbeats went on), the group
// rebalances without it, its next commit is refused, it rejoins at its
// next poll, and the other member reads the batch again. With a longer
// interval none of it happens.
func TestSlowHandlerLeavesAfterMaxPollInterval(t *testing.T) {
	// Both members start in the group's first generation, so that no
	// rebalance is under way when the owner polls: the broker's
	// rebalance timeout would then remove it as its own poll timer runs
	// out. Quick heartbeats let the idle member rejoin before the one
	// that left comes back.
	const slow = `    start: 5s
    processing: 400ms..600ms
    commit: after-handle
    initial-rebalance-delay: 1s
    heartbeat: 100ms
`
	o := run(t, maxPollScenario(t, "", slow+"    max-poll-interval: 3s\n"), 1)
	h := o.History
	a := owner(t, h)
	poll, leave := -1, -1
	for i, r := range h.All() {
		if r.Node != a {
			continue
		}
		if r.Kind == history.Poll && poll < 0 {
			poll = i
		}
		if r.Kind == history.Leave && leave < 0 {
			leave = i
		}
		if r.Kind == history.Expire && leave < 0 {
			t.Errorf("%s expired at %d before it left: its heartbeats should have kept its session", a, r.At)
		}
	}
	if poll < 0 || leave < 0 {
		t.Fatalf("%s: poll at record %d, leave at record %d: want both", a, poll, leave)
	}
	p, l := h.At(poll), h.At(leave)
	if l.LeaveReason != history.LeavePollTimeout || l.At != p.At+3e9 {
		t.Fatalf("%s left at %d (%q), want at its first poll %d plus 3s, for the max poll interval", a, l.At, l.LeaveReason, p.At)
	}
	rebalanced, fenced, rejoined, redone := false, -1, false, false
	applied := map[string]bool{}
	for i, r := range h.All() {
		switch {
		case i < leave && r.Node == a && r.Kind == history.Effect:
			applied[r.Event] = true
		case i > leave && r.Kind == history.Rebalance && r.Count == 1 && !rebalanced:
			rebalanced = true
		case i > leave && r.Kind == history.CommitFenced && r.Node == a && fenced < 0:
			fenced = i
		case fenced >= 0 && i > fenced && r.Kind == history.Join && r.Node == a:
			rejoined = true
		case i > leave && r.Kind == history.Deliver && r.Node != a && r.Offset >= 0:
			// the other member reads the partition from the last
			// committed offset: the deposit in hand when a left
			if r.Event != "" && r.Attempt > 1 {
				redone = true
			}
		}
	}
	if !rebalanced || fenced < 0 || !rejoined || !redone {
		t.Errorf("after %s left: rebalanced without it %v, its commit refused %v, rejoined after %v, a delivery redone by the other member %v: want all",
			a, rebalanced, fenced >= 0, rejoined, redone)
	}

	o = run(t, maxPollScenario(t, "", slow+"    max-poll-interval: 1h\n"), 1)
	for _, r := range o.History.All() {
		if r.Kind == history.Leave || r.Kind == history.CommitFenced {
			t.Fatalf("with a 1h max poll interval: %s %s at %d", r.Node, r.Kind, r.At)
		}
	}
}

// TestMemberStuckOnPoisonIsRemoved: a member retrying a poison event
// forever still heartbeats, but never polls again: after the max poll
// interval it leaves the group, the other member gets the partition,
// meets the poison and is removed in turn, and the first never rejoins.
func TestMemberStuckOnPoisonIsRemoved(t *testing.T) {
	o := run(t, maxPollScenario(t, "    poison-events: [5]\n", `    on-error: retry-forever
    retry-backoff: 50ms
    max-poll-interval: 2s
    initial-rebalance-delay: 1s
`), 1)
	h := o.History
	a := owner(t, h)
	var left []string
	leftAt := map[string]int{}
	for i, r := range h.All() {
		if r.Kind == history.Leave {
			if r.LeaveReason != history.LeavePollTimeout {
				t.Fatalf("%s left at %d for %q, want the max poll interval", r.Node, r.At, r.LeaveReason)
			}
			left = append(left, r.Node)
			leftAt[r.Node] = i
		}
	}
	if len(left) != 2 || left[0] != a || left[1] == a {
		t.Fatalf("members that left for the max poll interval: %v, want %s then the other member", left, a)
	}
	b := left[1]
	gotPoison := false
	for i, r := range h.All() {
		if r.Kind == history.Join && r.Node == a && i > leftAt[a] {
			t.Errorf("%s rejoined at %d while stuck on the poison event", a, r.At)
		}
		if r.Kind == history.Deliver && r.Node == b && r.Event == "teller-5" && i > leftAt[a] && i < leftAt[b] {
			gotPoison = true
		}
	}
	if !gotPoison {
		t.Errorf("%s never got the poison event after %s left: %s", b, a, strings.Join(left, ","))
	}
}

// TestMaxPollExceededExplainsTheLeave: the repeated effect of
// max-poll-exceeded is told as the member's leave for the max poll
// interval, with the leave in the witness; its twin, with fewer records
// per poll, applies each deposit once.
func TestMaxPollExceededExplainsTheLeave(t *testing.T) {
	for _, c := range []struct {
		name string
		want checks.Verdict
	}{{"max-poll-exceeded", checks.Violated}, {"max-poll-within-interval", checks.Holds}} {
		o := run(t, builtin(t, c.name), 1)
		for _, r := range o.Results {
			if r.Check != "exactly-once-effects" {
				continue
			}
			if r.Verdict != c.want {
				t.Fatalf("%s: exactly-once-effects %s, want %s: %s", c.name, r.Verdict, c.want, r.Explanation)
			}
			if c.want != checks.Violated {
				continue
			}
			left := false
			for _, w := range r.Witness {
				left = left || w.Kind == history.Leave && w.LeaveReason == history.LeavePollTimeout
			}
			if !left || !strings.Contains(r.Explanation, "max poll interval") {
				t.Errorf("%s: the witness has the leave: %v; explanation: %s", c.name, left, r.Explanation)
			}
		}
	}
}
