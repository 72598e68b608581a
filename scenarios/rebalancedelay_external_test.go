package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// rebalances returns the member count of each completed rebalance, in order.
func rebalances(h *history.History) []int {
	var counts []int
	for _, r := range h.Records {
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
	for _, r := range o.History.Records {
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
