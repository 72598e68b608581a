package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// timeoutRetries runs a producer on one partition, one record a request,
// up to five requests in flight, whose requests are often lost: each
// loss stalls the connection until the first lost request times out and
// the producer fails every request in flight on it at once. It returns,
// per instant at which the producer sent requests again, the publish
// order (its index among the producer's publishes) and the sequence
// number of each record sent, in the order sent.
func timeoutRetries(t *testing.T, idempotent bool, seed uint64) [][][2]int64 {
	t.Helper()
	acks := AcksLeader
	if idempotent {
		acks = AcksAll
	}
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 1}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 2 * time.Millisecond, Keys: 6,
			Stop: time.Second, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}},
			Acks: acks, Idempotent: idempotent, RequestLoss: sim.Ratio{Num: 1, Den: 8}, Retries: 20,
			RequestTimeout: 30 * time.Millisecond, MaxInFlight: 5, BatchMax: 1}},
	}
	w, sys, h := buildSystem(t, cfg, seed)
	sys.Start()
	w.Run(sim.Time(time.Second), 0)
	sys.Drain(100*time.Millisecond, 5*time.Second)
	order := map[string]int64{}
	var groups [][][2]int64
	at := int64(-1)
	for _, r := range h.All() {
		switch r.Kind {
		case history.Publish:
			order[r.Event] = int64(len(order))
		case history.PublishRetry:
			if r.At != at {
				groups = append(groups, nil)
				at = r.At
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], [2]int64{order[r.Event], r.Seq})
		}
	}
	return groups
}

// TestTimedOutBatchesAreResentNewestFirst: without idempotence, the
// batches of a partition that fail together when a request times out go
// back to the front of the partition's queue one by one, oldest first
// (Kafka's InFlightRequests.clearAll hands them over oldest first, and
// RecordAccumulator.reenqueue puts each at the front with addFirst): they
// are sent again newest first.
func TestTimedOutBatchesAreResentNewestFirst(t *testing.T) {
	together := 0
	for _, seed := range []uint64{1, 2} {
		for _, g := range timeoutRetries(t, false, seed) {
			if len(g) > 1 {
				together++
			}
			for i := 1; i < len(g); i++ {
				if g[i][0] >= g[i-1][0] {
					t.Fatalf("seed %d: sent again at one instant in publish order %v, want newest first", seed, g)
				}
			}
		}
	}
	if together == 0 {
		t.Fatal("no two batches were sent again at once: raise the loss")
	}
}

// TestTimedOutIdempotentBatchesAreResentInSequenceOrder: with
// idempotence, the failed batches go back into the partition's queue in
// sequence order (Kafka's insertInSequenceOrder): they are sent again
// oldest first, their sequence numbers rising.
func TestTimedOutIdempotentBatchesAreResentInSequenceOrder(t *testing.T) {
	together := 0
	for _, seed := range []uint64{1, 2} {
		for _, g := range timeoutRetries(t, true, seed) {
			if len(g) > 1 {
				together++
			}
			for i := 1; i < len(g); i++ {
				if g[i][1] <= g[i-1][1] {
					t.Fatalf("seed %d: sent again at one instant with sequence numbers %v, want rising", seed, g)
				}
			}
		}
	}
	if together == 0 {
		t.Fatal("no two batches were sent again at once: raise the loss")
	}
}
