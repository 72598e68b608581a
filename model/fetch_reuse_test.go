package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestFetchNotReusedInFlight: a member that crashes while its fetch is
// still on its way to the broker, restarts and fetches again has two
// fetches in flight; it reuses neither until its answer is back, so the
// broker answers the old one as it was sent (for the member's old
// epoch, which the member ignores) and the new one as it is. The old
// fetch is reused once its answer is back, the new one never while in
// flight.
func TestFetchNotReusedInFlight(t *testing.T) {
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 5 * time.Millisecond, Keys: 4,
			Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
		Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance",
			SessionTimeout: 200 * time.Millisecond, HeartbeatInterval: 50 * time.Millisecond, PollInterval: 10 * time.Millisecond}},
	}
	w, sys, h := buildSystem(t, cfg, 1)
	sys.Start()
	w.Run(sim.Time(300*time.Millisecond), 0)
	m := sys.Members[0]
	if m.phase != phaseActive {
		t.Fatalf("member not active at 300ms")
	}
	// Once a fetch has come back, the member's next fetch (that one,
	// reused) takes 2s to reach the broker.
	for m.fetching || m.fetchSpare == nil {
		if !w.Step() {
			t.Fatal("the world drained before a fetch came back")
		}
	}
	old := m.fetchSpare
	slow := sim.Link{LatencyMin: sim.Time(2 * time.Second), LatencyMax: sim.Time(2 * time.Second)}
	w.Network().SetLink(m.id, m.broker, slow)
	for !m.fetching {
		if !w.Step() {
			t.Fatal("the world drained before the member fetched")
		}
	}
	w.Network().ClearLink(m.id, m.broker)
	if m.fetchSpare == old {
		t.Fatal("the fetch in flight is still the member's spare")
	}
	oldEpoch := m.epoch
	w.Crash(m.id, "test", sim.Time(time.Millisecond))
	// Run until the restarted member fetches again, the old fetch still
	// on its way, and until the old fetch's answer is back.
	sent := w.Now()
	again := false
	for m.fetchSpare != old {
		if !w.Step() {
			t.Fatal("the world drained before the old fetch came back")
		}
		if m.fetching && m.phase == phaseActive {
			again = true
		}
		if m.fetchSpare == old && w.Now() < sent+slow.LatencyMin {
			t.Fatal("the old fetch was reused while on its way")
		}
	}
	if !again {
		t.Fatal("the restarted member did not fetch while the old fetch was on its way")
	}
	if old.reply.epoch != oldEpoch || old.epoch != oldEpoch || m.epoch == oldEpoch {
		t.Errorf("the old fetch was answered for epoch %d (asked %d), the member's epoch is %d: want %d, the epoch it was sent in",
			old.reply.epoch, old.epoch, m.epoch, oldEpoch)
	}
	// The member goes on consuming: the old answer was ignored.
	polls := h.Len()
	w.Run(w.Now()+sim.Time(time.Second), 0)
	got := 0
	for i := polls; i < h.Len(); i++ {
		if r := h.At(i); r.Kind == history.Poll && r.Node == m.name {
			got++
		}
	}
	if got == 0 {
		t.Error("the member polled nothing after the old answer")
	}
}

// TestReleaseGivesEachBatchArrayOnce: a released system hands each of
// its members' batch arrays to the stock once, cleared, however many of
// the member's batch, spare and returned fetch hold it; the poisoned
// records of a test are never stocked.
func TestReleaseGivesEachBatchArrayOnce(t *testing.T) {
	DrainStocks()
	defer DrainStocks()
	a := make([]Record, 3, 8)
	b := make([]Record, 2, 4)
	a[0].ID, b[0].ID = "a", "b"
	m1 := &Member{}
	m1.batch, m1.spare = a, a[:0]
	m1.fetchSpare = &fetchMsg{}
	m1.fetchSpare.buf, m1.fetchSpare.reply.records = a[:0], b
	m2 := &Member{}
	m2.spare = poisonRecords
	m2.fetchSpare = &fetchMsg{}
	m2.fetchSpare.reply.records = poisonRecords[:0]
	s := &System{Members: []*Member{m1, m2}}
	s.releaseBatches()
	recordStock.mu.Lock()
	defer recordStock.mu.Unlock()
	if len(recordStock.arrays) != 2 {
		t.Fatalf("%d arrays stocked, want 2", len(recordStock.arrays))
	}
	seen := map[*Record]bool{}
	for _, arr := range recordStock.arrays {
		p := &arr[:1][0]
		if seen[p] || p != &a[0] && p != &b[0] {
			t.Fatalf("stocked %p: a twice, or not one of the members' arrays", p)
		}
		seen[p] = true
		for _, r := range arr[:cap(arr)] {
			if r != (Record{}) {
				t.Fatalf("a stocked array holds %+v: not cleared", r)
			}
		}
	}
	if poisonRecords[0].ID != "poison" {
		t.Fatal("the poison records were cleared")
	}
}
