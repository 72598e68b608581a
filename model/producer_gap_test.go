package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// gapRun runs an idempotent producer with one request in flight against
// the single broker, which at 300ms loses its last three acknowledged
// records of the partition, its log and its sequence numbers cut back
// (as a replica elected without them would have it): the producer's next
// batch is then ahead of the broker's sequence with no earlier batch in
// flight. From the cut on, the producer's Retries is retries (0, which
// its configuration refuses up front, leaves the refused batch no
// retry). It returns the history and whether the run drained.
func gapRun(t *testing.T, retries int) (*history.History, bool) {
	t.Helper()
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 1}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 3,
			Stop: 600 * time.Millisecond, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
			Acks: AcksAll, Idempotent: true, Retries: 3, MaxInFlight: 1}},
		Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance"}},
	}
	w, sys, h := buildSystem(t, cfg, 1)
	const lost = 3
	sys.At(sim.Time(300*time.Millisecond), func(*sim.World) {
		b, p := sys.Broker, sys.Producers[0]
		pl := &p.t.partitions[0]
		end := pl.end() - lost
		pl.records = pl.records[:end]
		b.seqs[producerPartition{p.pid, p.t, 0}].cut(end)
		p.cfg.Retries = retries
	})
	sys.Start()
	w.Run(sim.Time(time.Second), 0)
	return h, sys.Drain(100*time.Millisecond, 5*time.Second)
}

// gapSummary is what a gap run's history says of the producer after the
// cut: the events given up, the events acknowledged under epoch 1 and the
// sequence number of the first, and the most retries of one event.
type gapSummary struct {
	failed       []string
	ackedBumped  int
	firstBumped  int64
	mostAttempts int
	epochs       map[int]bool
}

func summarizeGap(h *history.History) gapSummary {
	s := gapSummary{firstBumped: -1, epochs: map[int]bool{}}
	for _, r := range h.All() {
		switch r.Kind {
		case history.PublishFail:
			s.failed = append(s.failed, r.Event)
		case history.PublishAck:
			s.epochs[r.Epoch] = true
			if r.Epoch == 1 {
				if s.ackedBumped == 0 {
					s.firstBumped = r.Seq
				}
				s.ackedBumped++
			}
		case history.PublishRetry:
			s.mostAttempts = max(s.mostAttempts, r.Attempt)
		}
	}
	return s
}

// TestSequenceGapBumpsEpochAndResendsTheBatch: an idempotent producer
// whose next batch the broker refuses as out of sequence, with no earlier
// batch in flight, has lost acknowledged records to the broker: the
// sequence will never be accepted. As Kafka's client does
// (TransactionManager.canRetry: OUT_OF_ORDER_SEQUENCE_NUMBER of the next
// sequence bumps the epoch and retries), it bumps its epoch and sends the
// batch again numbered from 0: it is acknowledged under epoch 1, nothing
// is given up, the batch is sent twice, not forever, and the run drains.
func TestSequenceGapBumpsEpochAndResendsTheBatch(t *testing.T) {
	h, drained := gapRun(t, 3)
	s := summarizeGap(h)
	if !drained {
		t.Fatalf("the run did not drain: the producer is stuck (most attempts of one event %d)", s.mostAttempts)
	}
	if len(s.failed) > 0 {
		t.Fatalf("events given up with retries left: %v", s.failed)
	}
	if s.ackedBumped == 0 || s.firstBumped != 0 {
		t.Fatalf("acknowledged under epoch 1: %d, the first at sequence %d; want some, from 0", s.ackedBumped, s.firstBumped)
	}
	if s.mostAttempts != 2 {
		t.Fatalf("most attempts of one event %d, want 2 (refused once, then sent under the new epoch)", s.mostAttempts)
	}
	if len(s.epochs) != 2 {
		t.Fatalf("acknowledged under epochs %v, want 0 and 1", s.epochs)
	}
}

// TestSequenceGapCountsAgainstRetries: the refusal of a batch out of
// sequence with no earlier batch in flight is a failed attempt like a
// timeout: with no retry left the producer gives the batch up (Kafka fails it
// with OutOfOrderSequenceException, and handleFailedBatch bumps the
// epoch), and the records after it go on under epoch 1 from sequence 0.
func TestSequenceGapCountsAgainstRetries(t *testing.T) {
	h, drained := gapRun(t, 0)
	s := summarizeGap(h)
	if !drained {
		t.Fatalf("the run did not drain: the producer is stuck (most attempts of one event %d)", s.mostAttempts)
	}
	if len(s.failed) != 1 {
		t.Fatalf("events given up: %v, want the one refused batch", s.failed)
	}
	if s.mostAttempts != 0 {
		t.Fatalf("an event was retried (attempt %d) with retries 0", s.mostAttempts)
	}
	if s.ackedBumped == 0 || s.firstBumped != 0 {
		t.Fatalf("acknowledged under epoch 1: %d, the first at sequence %d; want some, from 0", s.ackedBumped, s.firstBumped)
	}
}
