package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// rebalances returns the member count of each completed rebalance, in order.
func rebalances(h *history.History) []int {
	var counts []int
	for _, r := range h.All() {
		if r.Kind == history.Rebalance {
			counts = append(counts, r.Count)
		}
	}
	return counts
}

// TestInitialRebalanceDelayGathersMembers: with Kafka's
// group.initial.rebalance.delay.ms of 3s, the two members that start
// together (one joining a moment after the other) share the group's first
// generation and nobody rebalances again; with no delay (the
// server.properties Kafka ships), the first member gets a generation of
// its own and the second one's join starts another rebalance.
func TestInitialRebalanceDelayGathersMembers(t *testing.T) {
	o := run(t, maxPollScenario(t, "", "    initial-rebalance-delay: 3s\n"), 1)
	if got := rebalances(o.History); len(got) != 1 || got[0] != 2 {
		t.Errorf("with a 3s delay: rebalances of %v members, want one of 2", got)
	}
	first := int64(-1)
	for _, r := range o.History.All() {
		if r.Kind == history.Rebalance {
			first = r.At
			break
		}
	}
	if first < int64(3e9) {
		t.Errorf("with a 3s delay: the first generation formed at %dns, want after the 3s delay", first)
	}
	o = run(t, maxPollScenario(t, "", ""), 1)
	if got := rebalances(o.History); len(got) < 2 || got[0] != 1 {
		t.Errorf("without a delay: rebalances of %v members, want a first one of 1 member, then another", got)
	}
}

// TestRebalanceTimeoutRemovesAStuckMember: a member whose poll loop
// heartbeats on while its batch never finishes (a worker thread retrying
// a poison event forever) never rejoins the rebalance that a second
// member's arrival starts. The broker removes it once the rebalance
// timeout (max-poll-interval) has passed since the rebalance began, and
// the group moves on without it: the newcomer is assigned the partition.
func TestRebalanceTimeoutRemovesAStuckMember(t *testing.T) {
	src := `name: stuck
duration: 10s
drain: 1s
topics:
  - name: account-events
producers:
  - name: teller
    topic: account-events
    rate: 5/s
    count: 10
    poison-events: [2]
    events:
      - type: Deposited
consumers:
  - group: ledger
    service: ledger
    topic: account-events
    handler: balance
    commit: interval
    worker-thread: true
    max-poll-interval: 2s
  - group: ledger
    service: late
    topic: account-events
    handler: balance
    commit: interval
    worker-thread: true
    max-poll-interval: 2s
    start: 1s
checks: [exactly-once-effects]
expect:
  exactly-once-effects: unknown
`
	s, err := scenarios.Parse("stuck.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o := run(t, s, 1)
	var removed, assigned int64 = -1, -1
	for _, r := range o.History.All() {
		switch {
		case r.Kind == history.Expire && r.Node == "ledger-0" && r.LeaveReason == history.ExpireRebalanceTimeout && removed < 0:
			removed = r.At
		case r.Kind == history.Assign && r.Node == "late-0" && r.Partitions == "0" && assigned < 0:
			assigned = r.At
		}
	}
	if removed < int64(3e9) || removed > int64(3.1e9) {
		t.Errorf("ledger-0 removed for the rebalance timeout at %dns, want 2s after late-0 joined at 1s", removed)
	}
	if assigned < removed {
		t.Errorf("late-0 assigned partition 0 at %dns, want it once ledger-0 was removed (%dns)", assigned, removed)
	}
}
