package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// txnBroker builds a system with one topic of two partitions and returns
// its world, broker, topic and history.
func txnBroker(t *testing.T) (*sim.World, *Broker, *topic, *history.History) {
	t.Helper()
	w := sim.New(1)
	h := &history.History{}
	sys, err := Build(w, Config{Topics: []TopicConfig{{Name: "payments", Partitions: 2}}}, h)
	if err != nil {
		t.Fatal(err)
	}
	return w, sys.Broker, sys.Broker.topic("payments"), h
}

func countKind(h *history.History, k history.Kind) int {
	n := 0
	for _, r := range h.All() {
		if r.Kind == k {
			n++
		}
	}
	return n
}

// TestInitProducerIDFencesOlderInstance: a second InitProducerId for a
// transactional id keeps the producer id, bumps the epoch, aborts the
// first instance's open transaction (its records are aborted, an abort
// marker follows them) and refuses the first instance's later writes and
// commit.
func TestInitProducerIDFencesOlderInstance(t *testing.T) {
	w, b, tp, h := txnBroker(t)
	timeout := sim.Time(DefaultTransactionTimeout)
	old := b.txnInit(w, "t", "a", true, timeout)
	if !b.txnProduce(w, old, tp, 0, Record{ID: "a-1"}, history.Entry{Event: "a-1"}) {
		t.Fatal("the first instance's write was refused")
	}
	cur := b.txnInit(w, "t", "b", true, timeout)
	if cur.st.pid != old.st.pid || cur.epoch != old.epoch+1 {
		t.Fatalf("second init: producer %d epoch %d, want producer %d epoch %d", cur.st.pid, cur.epoch, old.st.pid, old.epoch+1)
	}
	pl := &tp.partitions[0]
	if pl.end() != 2 || !pl.records[0].aborted || pl.records[1].control != controlAbort {
		t.Fatalf("partition 0 after the fencing init: %+v, want the record aborted and an abort marker", pl.records)
	}
	if b.txnProduce(w, old, tp, 1, Record{ID: "a-2"}, history.Entry{Event: "a-2"}) || b.txnEnd(w, old, true) {
		t.Fatal("the fenced instance could still write or commit")
	}
	if n := countKind(h, history.ProducerFenced); n != 2 {
		t.Fatalf("%d producer-fenced records, want 2", n)
	}
	if !b.txnProduce(w, cur, tp, 1, Record{ID: "b-1"}, history.Entry{Event: "b-1"}) || !b.txnEnd(w, cur, true) {
		t.Fatal("the new instance could not write and commit")
	}
	if n := countKind(h, history.PublishAck); n != 1 {
		t.Fatalf("%d publish-acks, want 1: only the committed record is acknowledged", n)
	}
}

// TestInitProducerIDWithoutFencing: the what-if gives each instance a
// producer id of its own and fences or aborts nothing.
func TestInitProducerIDWithoutFencing(t *testing.T) {
	w, b, tp, _ := txnBroker(t)
	timeout := sim.Time(DefaultTransactionTimeout)
	old := b.txnInit(w, "t", "a", false, timeout)
	b.txnProduce(w, old, tp, 0, Record{ID: "a-1"}, history.Entry{})
	cur := b.txnInit(w, "t", "b", false, timeout)
	if cur.st.pid == old.st.pid {
		t.Fatal("both instances share a producer id")
	}
	if !b.txnProduce(w, old, tp, 0, Record{ID: "a-2"}, history.Entry{}) || !b.txnEnd(w, old, true) {
		t.Fatal("the old instance was fenced")
	}
	if tp.partitions[0].records[0].aborted {
		t.Fatal("the old instance's transaction was aborted")
	}
}

// TestReadCommittedStopsAtLastStableOffset: read-committed reads stop at
// the first offset of the oldest open transaction, skip aborted records
// and markers; read-uncommitted reads to the log end, aborted records
// included, markers never.
func TestReadCommittedStopsAtLastStableOffset(t *testing.T) {
	w, b, tp, _ := txnBroker(t)
	timeout := sim.Time(DefaultTransactionTimeout)
	x := b.txnInit(w, "x", "x", true, timeout)
	y := b.txnInit(w, "y", "y", true, timeout)
	b.txnProduce(w, x, tp, 0, Record{ID: "x-1"}, history.Entry{}) // 0, aborted below
	b.txnProduce(w, y, tp, 0, Record{ID: "y-1"}, history.Entry{}) // 1, open
	b.txnEnd(w, x, false)                                         // abort marker at 2
	ids := func(recs []Record) (out []string) {
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return out
	}
	if recs, next := b.visible(tp, 0, 0, 10, ReadCommitted, nil); len(recs) != 0 || next != 1 {
		t.Fatalf("read-committed with y open: %v next %d, want nothing and next 1 (the LSO)", ids(recs), next)
	}
	if recs, next := b.visible(tp, 0, 0, 10, ReadUncommitted, nil); len(recs) != 2 || next != 3 {
		t.Fatalf("read-uncommitted: %v next %d, want [x-1 y-1] next 3", ids(recs), next)
	}
	b.txnEnd(w, y, true) // commit marker at 3
	if recs, next := b.visible(tp, 0, 0, 10, ReadCommitted, nil); len(recs) != 1 || recs[0].ID != "y-1" || next != 4 {
		t.Fatalf("read-committed after the commit: %v next %d, want [y-1] next 4", ids(recs), next)
	}
	if !tp.settled(0, 2) || tp.settled(0, 1) {
		t.Fatal("settled: want true past the last data record, false before it")
	}
}

// TestTransactionTimeoutAborts: the coordinator aborts a transaction
// open longer than its timeout and bumps the epoch, fencing its producer.
func TestTransactionTimeoutAborts(t *testing.T) {
	w, b, tp, h := txnBroker(t)
	s := b.txnInit(w, "t", "a", true, sim.Time(time.Second))
	b.txnProduce(w, s, tp, 0, Record{ID: "a-1"}, history.Entry{})
	w.Run(sim.Time(2*time.Second), 0)
	if countKind(h, history.TxnAbort) != 1 || !tp.partitions[0].records[0].aborted {
		t.Fatal("the transaction was not aborted after its timeout")
	}
	if b.txnEnd(w, s, true) {
		t.Fatal("the producer could commit after the coordinator aborted its transaction")
	}
}
