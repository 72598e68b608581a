package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// lossyIdempotent runs an idempotent producer whose requests are often
// lost and retried once only, so that it gives up on some batches, with a
// group consuming the topic, for 2s and a drain of up to 10s.
func lossyIdempotent(t *testing.T, seed uint64) (*history.History, bool) {
	t.Helper()
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 5 * time.Millisecond, Keys: 6,
			Stop: 2 * time.Second, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
			Idempotent: true, RequestLoss: sim.Ratio{Num: 1, Den: 4}, Retries: 1, RequestTimeout: 30 * time.Millisecond,
			MaxInFlight: 5}},
		Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance"}},
	}
	w, sys, h := buildSystem(t, cfg, seed)
	sys.Start()
	w.Run(sim.Time(2*time.Second), 0)
	return h, sys.Drain(100*time.Millisecond, 10*time.Second)
}

// TestIdempotentProducerBumpsEpochAfterGivingUp: after the producer gives
// up on a batch it bumps its epoch, and each partition's records are then
// numbered from 0 under the new epoch: in the log, a partition's epochs
// never go back and, within an epoch, its sequence numbers run 0, 1, 2...
// without a gap or a repeat.
func TestIdempotentProducerBumpsEpochAfterGivingUp(t *testing.T) {
	h, _ := lossyIdempotent(t, 1)
	failed := false
	bumped := map[int]bool{} // partition -> an append under a bumped epoch came after a failure
	type line struct {
		epoch int
		next  int64
	}
	lines := map[int]*line{}
	for _, r := range h.All() {
		switch r.Kind {
		case history.PublishFail:
			failed = true
		case history.Append:
			l := lines[r.Partition]
			if l == nil {
				l = &line{}
				lines[r.Partition] = l
			}
			if r.Epoch < l.epoch {
				t.Fatalf("partition %d: append under epoch %d after epoch %d: %+v", r.Partition, r.Epoch, l.epoch, r)
			}
			if r.Epoch > l.epoch {
				if !failed {
					t.Fatalf("epoch %d before any give-up: %+v", r.Epoch, r)
				}
				l.epoch, l.next = r.Epoch, 0
				bumped[r.Partition] = true
			}
			if r.Seq != l.next {
				t.Fatalf("partition %d epoch %d: sequence %d appended, want %d: %+v", r.Partition, r.Epoch, r.Seq, l.next, r)
			}
			l.next++
		}
	}
	if !failed {
		t.Fatal("the producer never gave up on a batch: raise the loss")
	}
	if len(bumped) == 0 {
		t.Fatal("no partition was appended under a bumped epoch after the producer gave up")
	}
}

// TestIdempotentProducerGoesOnAfterGivingUp: giving up on a batch does
// not wedge the partition. Events published after the first give-up are
// acknowledged in every partition, every event is in the end acknowledged
// or given up (the producer settles and the run drains), and every
// acknowledged event is in the log exactly once.
func TestIdempotentProducerGoesOnAfterGivingUp(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		h, drained := lossyIdempotent(t, seed)
		if !drained {
			t.Fatalf("seed %d: the run did not drain: the producer is stuck", seed)
		}
		firstFail := -1
		ackedAfter := map[int]int{}
		settled := map[string]bool{}
		inLog := map[string]int{}
		var published []string
		for i, r := range h.All() {
			switch r.Kind {
			case history.Publish:
				published = append(published, r.Event)
			case history.PublishFail:
				if firstFail < 0 {
					firstFail = i
				}
				settled[r.Event] = true
			case history.PublishAck:
				if firstFail >= 0 {
					ackedAfter[r.Partition]++
				}
				settled[r.Event] = true
			case history.Append:
				inLog[r.Event]++
			}
		}
		if firstFail < 0 {
			t.Fatalf("seed %d: the producer never gave up on a batch", seed)
		}
		if len(ackedAfter) != 2 {
			t.Fatalf("seed %d: acknowledgements after the first give-up per partition: %v, want both partitions", seed, ackedAfter)
		}
		for _, id := range published {
			if !settled[id] {
				t.Fatalf("seed %d: %s neither acknowledged nor given up", seed, id)
			}
			if inLog[id] > 1 {
				t.Fatalf("seed %d: %s appended %d times", seed, id, inLog[id])
			}
		}
	}
}
