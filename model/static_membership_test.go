package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestStaticMembership: a static member (group.instance.id) that crashes,
// or shuts down cleanly, and comes back within its session timeout gets
// the partitions it had in the same generation and nothing rebalances; a
// dynamic member's restart rebalances the group, and so does a static
// member's absence longer than its session timeout.
func TestStaticMembership(t *testing.T) {
	cfg := func(static bool) Config {
		return Config{
			Topics: []TopicConfig{{Name: "accounts", Partitions: 4}},
			Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 8,
				Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 3, Handler: "balance",
				SessionTimeout: time.Second, HeartbeatInterval: 250 * time.Millisecond,
				InitialRebalanceDelay: 300 * time.Millisecond, StaticMembership: static}},
		}
	}
	// run bounces ledger-1 at 1s for down (a crash, or a clean shutdown)
	// and returns the history at 4s.
	run := func(t *testing.T, static, leave bool, down time.Duration) *history.History {
		t.Helper()
		w := sim.New(1)
		h := &history.History{}
		sys, err := Build(w, cfg(static), h)
		if err != nil {
			t.Fatal(err)
		}
		sys.Start()
		w.Run(sim.Time(time.Second), 0)
		m := sys.Members[1]
		if leave {
			if !m.Leave(w, down) {
				t.Fatal("ledger-1 did not leave")
			}
		} else {
			w.Crash(m.id, "test", sim.Time(down))
		}
		w.Run(sim.Time(4*time.Second), 0)
		return h
	}
	// generations returns the highest generation the broker completed and
	// ledger-1's assignments (generation and partitions), in order.
	generations := func(h *history.History) (int, []history.Entry) {
		top, as := 0, []history.Entry(nil)
		for _, r := range h.All() {
			switch {
			case r.Kind == history.Rebalance:
				top = max(top, r.Generation)
			case r.Kind == history.Assign && r.Node == "ledger-1":
				as = append(as, r)
			}
		}
		return top, as
	}
	for _, leave := range []bool{false, true} {
		how := "crash"
		if leave {
			how = "clean shutdown"
		}
		t.Run("static "+how+" within the session", func(t *testing.T) {
			h := run(t, true, leave, 300*time.Millisecond)
			top, as := generations(h)
			if top != 1 {
				t.Fatalf("the group reached generation %d, want 1: a static member back within its session rebalanced it", top)
			}
			if len(as) != 2 || as[1].Generation != 1 || as[1].Partitions != as[0].Partitions || as[0].Partitions == "" {
				t.Fatalf("ledger-1's assignments %+v: want its partitions back in generation 1", as)
			}
			for _, r := range h.All() {
				if r.Kind == history.Leave && r.LeaveReason != history.LeaveStaticClose {
					t.Fatalf("leave record %+v: a static member closes without LeaveGroup", r)
				}
			}
		})
		t.Run("dynamic "+how, func(t *testing.T) {
			h := run(t, false, leave, 300*time.Millisecond)
			if top, _ := generations(h); top < 2 {
				t.Fatalf("the group stayed in generation %d: a dynamic member's restart must rebalance it", top)
			}
		})
	}
	t.Run("static away longer than its session", func(t *testing.T) {
		h := run(t, true, false, 2*time.Second)
		expired := false
		for _, r := range h.All() {
			expired = expired || r.Kind == history.Expire && r.Node == "ledger-1"
		}
		if top, _ := generations(h); top < 2 || !expired {
			t.Fatalf("generation %d, expired %v: a static member away past its session is removed and the group rebalances", top, expired)
		}
	})
}
