package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/sim"
)

// TestTimeoutRequeuesEveryFailedRequestBeforeNewRecords: when a timeout
// closes a connection and one of the requests failing with it is out of
// retries, the others are back in their partition's queue before any new
// record goes out (Kafka's NetworkClient fails a closed connection's
// requests in one poll, and the Sender drains the accumulator only in
// its next run): no new record of the partition is sent ahead of them.
func TestTimeoutRequeuesEveryFailedRequestBeforeNewRecords(t *testing.T) {
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 1}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: time.Millisecond, Keys: 6,
			Stop: time.Second, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
			Acks: AcksLeader, RequestLoss: sim.Ratio{Num: 1, Den: 2}, Retries: 3,
			RequestTimeout: 30 * time.Millisecond, MaxInFlight: 3, BatchMax: 1}},
	}
	w, sys, _ := buildSystem(t, cfg, 1)
	sys.Start()
	p := sys.Producers[0]
	// stalled reports whether every request in flight awaits an answer
	// on one connection, with the in-flight limit reached and new
	// records waiting behind them.
	stalled := func() bool {
		if len(p.inflight) < p.cfg.MaxInFlight || len(p.pending[0]) == 0 {
			return false
		}
		for _, r := range p.inflight {
			if r.done || r.answered == r.attempt || r.dst != p.inflight[0].dst {
				return false
			}
		}
		return true
	}
	for !stalled() {
		if !w.Step() {
			t.Fatal("the producer never stalled with new records waiting: raise the loss")
		}
	}
	failing := append([]*produceReq(nil), p.inflight...)
	waiting := len(p.pending[0])
	first := failing[0]
	first.timeouts = p.cfg.Retries // its next failure gives it up
	p.timeout(w, first, first.attempt)
	if !first.done {
		t.Fatal("the request out of retries was not given up")
	}
	if got := len(p.pending[0]); got != waiting {
		t.Errorf("%d new records were sent when the connection closed, ahead of the %d requests that failed with the one given up",
			waiting-got, len(failing)-1)
	}
	for _, r := range p.inflight {
		if !r.backoff {
			t.Errorf("request of attempt %d is in flight, not requeued, right after the connection closed", r.attempt)
		}
	}
	if len(p.requeued) != len(failing)-1 {
		t.Errorf("%d requests requeued, want %d", len(p.requeued), len(failing)-1)
	}
}
