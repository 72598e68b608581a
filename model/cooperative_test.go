package model

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestCooperativeRebalance: when a member joins a group of two that own
// six partitions, the cooperative-sticky assignor has each owner revoke
// only the partition that moves (one each), in a first rebalance, and a
// second rebalance hands both to the newcomer; no member gives up a
// partition it gets back. The eager range assignor has both owners revoke
// everything.
func TestCooperativeRebalance(t *testing.T) {
	run := func(a Assignor) *history.History {
		entry := func(service string, members int, start time.Duration) ConsumerConfig {
			return ConsumerConfig{Group: "ledger", Service: service, Topic: "accounts", Members: members, Handler: "balance",
				Assignor: a, Start: start, SessionTimeout: time.Second, HeartbeatInterval: 100 * time.Millisecond,
				InitialRebalanceDelay: 100 * time.Millisecond}
		}
		cfg := Config{
			Topics: []TopicConfig{{Name: "accounts", Partitions: 6}},
			Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 5 * time.Millisecond, Keys: 12,
				Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []ConsumerConfig{entry("ledger", 2, 0), entry("late", 1, time.Second)},
		}
		w, sys, h := buildSystem(t, cfg, 1)
		sys.Start()
		w.Run(sim.Time(3*time.Second), 0)
		return h
	}
	revokes := func(h *history.History) (out []history.Entry) {
		for _, r := range h.All() {
			if r.Kind == history.Revoke {
				out = append(out, r)
			}
		}
		return out
	}
	t.Run("cooperative-sticky", func(t *testing.T) {
		h := run(AssignCooperativeSticky)
		rv := revokes(h)
		if len(rv) != 2 || strings.Contains(rv[0].Partitions, ",") || strings.Contains(rv[1].Partitions, ",") {
			t.Fatalf("revocations %+v: want one partition from each owner", rv)
		}
		var late []string
		for _, r := range h.All() {
			if r.Kind == history.Assign && r.Node == "late-0" {
				late = append(late, r.Partitions)
			}
			if r.Kind == history.Assign && r.Node != "late-0" && r.Generation > 1 {
				for _, x := range rv {
					if x.Node == r.Node && strings.Contains(","+r.Partitions+",", ","+x.Partitions+",") {
						t.Fatalf("%s revoked %s and got it back: %+v", r.Node, x.Partitions, r)
					}
				}
			}
		}
		want := []string{"", rv[0].Partitions + "," + rv[1].Partitions}
		if rv[0].Partitions > rv[1].Partitions {
			want[1] = rv[1].Partitions + "," + rv[0].Partitions
		}
		if len(late) != 2 || late[0] != want[0] || late[1] != want[1] {
			t.Fatalf("late-0's assignments %q, want %q: nothing in the first rebalance, the revoked partitions in the second", late, want)
		}
	})
	t.Run("eager range", func(t *testing.T) {
		rv := revokes(run(AssignRange))
		if len(rv) != 2 || rv[0].Partitions == "" || strings.Count(rv[0].Partitions, ",") != 2 || strings.Count(rv[1].Partitions, ",") != 2 {
			t.Fatalf("revocations %+v: want both owners revoking their three partitions", rv)
		}
	})
}
