package model

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestTransactionsUnderCrashes draws a transactional producer that aborts
// some of its transactions, a read-committed consumer and a two-member
// consume-transform-produce loop, and crashes of the producer (restarted
// or not) and of the loop's members, and checks against the broker's own
// logs (not the checks): the read-committed consumer is never handed a
// record of an aborted transaction or a marker; after the drain, every
// committed input record has been applied by it, and has exactly one
// output in a committed transaction of the loop.
func TestTransactionsUnderCrashes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := Config{
			Topics: []TopicConfig{{Name: "payments", Partitions: 2}, {Name: "entries", Partitions: 2}},
			Producers: []ProducerConfig{{Name: "teller", Topic: "payments", Interval: 5 * time.Millisecond, Keys: 6,
				Stop: time.Second, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
				TransactionalID: "teller", TransactionSize: rapid.IntRange(1, 5).Draw(t, "size"),
				Abort: sim.Ratio{Num: 1, Den: 4}, TransactionTimeout: 2 * time.Second}},
			Consumers: []ConsumerConfig{
				{Group: "ledger", Topic: "payments", Members: 1, Handler: "balance", Isolation: ReadCommitted},
				{Group: "enricher", Topic: "payments", Members: 2, Handler: HandlerNone, Output: "entries",
					TransactionalID: "enricher", Batch: 5, ProcessingMin: time.Millisecond, ProcessingMax: 2 * time.Millisecond,
					SessionTimeout: 500 * time.Millisecond, HeartbeatInterval: 100 * time.Millisecond},
			},
		}
		w := sim.New(rapid.Uint64().Draw(t, "seed"))
		h := &history.History{}
		sys, err := Build(w, cfg, h)
		if err != nil {
			t.Fatal(err)
		}
		for range rapid.IntRange(0, 3).Draw(t, "crashes") {
			node := rapid.SampledFrom([]string{"teller", "enricher-0", "enricher-1"}).Draw(t, "node")
			at := sim.Time(rapid.Int64Range(0, int64(time.Second)).Draw(t, "at"))
			restart := sim.Time(rapid.Int64Range(0, int64(300*time.Millisecond)).Draw(t, "restart"))
			if node == "teller" && rapid.Bool().Draw(t, "never") {
				restart = -1
			}
			id, _ := w.Lookup(node)
			sys.At(at, func(w *sim.World) { w.Crash(id, "at-time", restart) })
		}
		sys.Start()
		w.Run(sim.Time(time.Second), 0)
		if !sys.Drain(100*time.Millisecond, 30*time.Second) {
			t.Fatal("the run did not drain")
		}
		in, out := sys.Broker.topic("payments"), sys.Broker.topic("entries")
		applied := map[string]bool{}
		for _, r := range h.All() {
			if r.Group != "ledger" {
				continue
			}
			switch r.Kind {
			case history.Deliver:
				lr := &in.partitions[r.Partition].records[r.Offset]
				if rec := in.record(r.Partition, r.Offset); lr.control != 0 || lr.aborted || rec.ID != r.Event {
					t.Fatalf("read-committed ledger was handed %s at payments/%d@%d: control %d, aborted %v", rec.ID, r.Partition, r.Offset, lr.control, lr.aborted)
				}
			case history.Effect:
				applied[r.Event] = true
			}
		}
		outputs := map[string]int{}
		for p, pl := range out.partitions {
			for i := range pl.records {
				if lr := &pl.records[i]; lr.control == 0 && !lr.aborted {
					outputs[strings.TrimPrefix(out.record(p, int64(i)).ID, "enricher:")]++
				}
			}
		}
		for p, pl := range in.partitions {
			for i := range pl.records {
				lr := &pl.records[i]
				if lr.control != 0 || lr.aborted {
					continue
				}
				r := in.record(p, int64(i))
				if !applied[r.ID] {
					t.Fatalf("committed %s was never applied by the read-committed ledger", r.ID)
				}
				if outputs[r.ID] != 1 {
					t.Fatalf("committed input %s has %d committed outputs, want 1", r.ID, outputs[r.ID])
				}
			}
		}
	})
}
