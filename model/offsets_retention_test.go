package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestOffsetsRetention: a group's committed offsets survive a time
// without members shorter than OffsetsRetention and are deleted (an
// Expire record of the broker per partition, reason offsets-retention)
// once the group has been empty that long; with no retention they are
// kept forever. The members that come back after the deletion start from
// the offset reset (latest): nothing published while they were away is
// delivered.
func TestOffsetsRetention(t *testing.T) {
	cfg := func(retention time.Duration) Config {
		return Config{
			Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
			Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 4,
				Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance",
				SessionTimeout: time.Second, HeartbeatInterval: 300 * time.Millisecond,
				OffsetReset: ResetLatest, OffsetsRetention: retention}},
		}
	}
	// The member crashes at 1s; the broker removes it at its session
	// timeout (about 2s), and the group is empty until it restarts.
	run := func(t *testing.T, retention, down time.Duration) (*history.History, *group, int) {
		t.Helper()
		w := sim.New(1)
		h := &history.History{}
		sys, err := Build(w, cfg(retention), h)
		if err != nil {
			t.Fatal(err)
		}
		sys.Start()
		w.Run(sim.Time(time.Second), 0)
		g := sys.subs[0].g
		for p, c := range g.committed {
			if c <= 0 {
				t.Fatalf("partition %d: committed %d before the crash, want a position", p, c)
			}
		}
		id := sys.Members[0].id
		w.Crash(id, "test", sim.Time(down))
		w.Run(sim.Time(time.Second+down-time.Millisecond), 0)
		gone := 0
		for _, c := range g.committed {
			if c < 0 {
				gone++
			}
		}
		w.Run(sim.Time(time.Second+down+2*time.Second), 0)
		return h, g, gone
	}
	expiries := func(h *history.History) int {
		n := 0
		for _, r := range h.All() {
			if r.Kind == history.Expire && r.LeaveReason == history.ExpireOffsetsRetention {
				n++
				if r.Node != "broker" || r.Group != "ledger" || r.Offset <= 0 {
					t.Errorf("expire record %+v: want the broker deleting ledger's committed offset", r)
				}
			}
		}
		return n
	}
	t.Run("empty shorter than retention", func(t *testing.T) {
		h, _, gone := run(t, 3*time.Second, 3*time.Second)
		if gone != 0 || expiries(h) != 0 {
			t.Fatalf("empty about 2s with retention 3s: %d offsets gone, %d expiries; want none", gone, expiries(h))
		}
		if n := undelivered(h); n != 0 {
			t.Fatalf("%d events published while the group was away never delivered, want 0", n)
		}
	})
	t.Run("no retention", func(t *testing.T) {
		h, _, gone := run(t, 0, 5*time.Second)
		if gone != 0 || expiries(h) != 0 {
			t.Fatalf("no retention: %d offsets gone, %d expiries; want none", gone, expiries(h))
		}
	})
	t.Run("empty longer than retention", func(t *testing.T) {
		h, _, gone := run(t, time.Second, 3*time.Second)
		if gone != 2 || expiries(h) != 2 {
			t.Fatalf("empty about 2s with retention 1s: %d offsets gone, %d expiries; want both partitions", gone, expiries(h))
		}
		if n := undelivered(h); n < 100 {
			t.Fatalf("%d events never delivered, want the ~200 published while the group was away", n)
		}
		// Back from latest, the member reads what is published after it
		// returned (a latest reset is done once, not at every empty fetch).
		late := 0
		for _, r := range h.All() {
			if r.Kind == history.Deliver && r.At > int64(4500*time.Millisecond) {
				late++
			}
		}
		if late == 0 {
			t.Fatal("nothing delivered after the member came back at 4s")
		}
	})
}

// undelivered counts the events of h published before the last second of
// the run that were never delivered.
func undelivered(h *history.History) int {
	var end int64
	delivered := map[string]bool{}
	for _, r := range h.All() {
		end = max(end, r.At)
		if r.Kind == history.Deliver {
			delivered[r.Event] = true
		}
	}
	n := 0
	for _, r := range h.All() {
		if r.Kind == history.Publish && r.At < end-int64(time.Second) && !delivered[r.Event] {
			n++
		}
	}
	return n
}
