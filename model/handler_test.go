package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// seenTable is where skipHandler keeps the ids it processed.
const seenTable = "seen"

// skipHandler is a user's idempotent handler: it keeps the ids it has
// processed in a table of its own, in the effect's transaction, and
// skips an id it finds there.
type skipHandler struct{}

func (skipHandler) Handle(tx *Tx, r Record) {
	if _, ok := tx.Get(seenTable, r.ID); ok {
		tx.Put(BalanceTable, r.Key, -1000) // discarded by Skip
		tx.Skip()
		return
	}
	tx.Put(seenTable, r.ID, 1)
	Balance(tx, r)
}

func (skipHandler) State(tx *Tx, key string) int64 {
	v, _ := tx.Get(BalanceTable, key)
	return v
}

// crashEvery crashes a node at every n-th pass through point, and restarts
// it after restart.
type crashEvery struct {
	point   CrashPoint
	n, hits int
	restart sim.Time
}

func (c *crashEvery) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	if point != string(c.point) {
		return false, 0
	}
	c.hits++
	return c.hits%c.n == 0, c.restart
}

// TestHandlerSkipIsADedup runs a handler that recognises redelivered ids
// itself: each redelivery it skips is recorded as a dedup, after the
// event's one effect, its writes are discarded, and the subscription is
// recorded as stateful.
func TestHandlerSkipIsADedup(t *testing.T) {
	w := sim.New(1)
	cfg := Config{
		Topics: []TopicConfig{{Name: "t", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "p", Topic: "t", Interval: 5 * time.Millisecond, Keys: 3,
			Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 10}}}},
		Consumers: []ConsumerConfig{{Group: "g", Topic: "t", Members: 1, Custom: skipHandler{}, Commit: CommitAfterHandle,
			SessionTimeout: time.Second, HeartbeatInterval: 250 * time.Millisecond}},
	}
	h := &history.History{}
	s, err := Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	w.SetCrashHook(&crashEvery{point: PointAfterEffect, n: 7, restart: sim.Time(50 * time.Millisecond)})
	s.Start()
	w.Run(sim.Time(2*time.Second), 0)
	w.SetCrashHook(nil)
	s.Drain(10*time.Millisecond, 10*time.Second)

	effects := map[string]int{}
	var dedups, stateful int
	for _, r := range h.All() {
		switch r.Kind {
		case history.Subscribe:
			if r.Stateful {
				stateful++
			}
		case history.Effect:
			effects[r.Event]++
			if effects[r.Event] > 1 {
				t.Fatalf("event %s applied twice: %v", r.Event, r)
			}
			if r.Value < 0 {
				t.Fatalf("a skipped transaction's write was committed: %v", r)
			}
		case history.Dedup:
			dedups++
			if effects[r.Event] != 1 {
				t.Fatalf("dedup of %s before its effect: %v", r.Event, r)
			}
		}
	}
	if stateful != 1 {
		t.Errorf("%d stateful subscribe records, want 1", stateful)
	}
	if dedups == 0 {
		t.Fatal("no redelivery was skipped: the crashes did not strike")
	}
	if v, _ := s.DBs["g"].Get(BalanceTable, "acct-0"); v < 0 {
		t.Errorf("balance of acct-0 is %d: a skipped write was committed", v)
	}
	t.Logf("%d effects, %d dedups", len(effects), dedups)
}

// TestSubscribeStatefulOnlyWithStater checks that a handler without
// [Stater] makes a subscription that is not stateful.
func TestSubscribeStatefulOnlyWithStater(t *testing.T) {
	w := sim.New(1)
	cfg := Config{
		Topics: []TopicConfig{{Name: "t", Partitions: 1}},
		Consumers: []ConsumerConfig{
			{Group: "a", Topic: "t", Members: 1, Handler: "balance"},
			{Group: "b", Topic: "t", Members: 1, Custom: HandlerFunc(Balance)},
		},
	}
	h := &history.History{}
	s, err := Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	got := map[string]bool{}
	for _, r := range h.All() {
		if r.Kind == history.Subscribe {
			got[r.Group] = r.Stateful
		}
	}
	if !got["a"] || got["b"] {
		t.Errorf("stateful per group %v, want a true, b false", got)
	}
}

// TestBalanceIsTheAccountProjection: the balance handler writes the row
// the built-in account's value projection gives, for every event type.
func TestBalanceIsTheAccountProjection(t *testing.T) {
	a := domain.Account{}
	p := domain.ValueProjection{Aggregate: a}
	for _, typ := range append(a.Types(), "Renamed", "") {
		for _, row := range []int64{0, 5, -3} {
			db := NewDB()
			tx := db.Begin()
			tx.Put(BalanceTable, "k", row)
			tx.Commit()
			tx = db.Begin()
			Balance(tx, Record{Key: "k", Type: typ, Amount: 7})
			tx.Commit()
			got, _ := db.Get(BalanceTable, "k")
			if want := p.Apply(row, domain.Event{Type: typ, Amount: 7, Version: 1}); got != want {
				t.Errorf("%s of 7 on row %d: balance %d, want %d", typ, row, got, want)
			}
		}
	}
}
