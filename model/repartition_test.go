package model

import (
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

func repartitionConfig() Config {
	return Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 5 * time.Millisecond, Keys: 8,
			MetadataMaxAge: 300 * time.Millisecond, Stop: 2 * time.Second,
			Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
		Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 4, Handler: "balance",
			HeartbeatInterval: 200 * time.Millisecond}},
	}
}

// TestAddPartitions: growing a topic keeps the records of its old
// partitions where they are and records an add-partitions record; the
// producer keeps hashing keys over the old count until its next metadata
// refresh (a whole multiple of MetadataMaxAge), then over the new one;
// the group rebalances and assigns the new partitions, and consumes
// every partition to its end.
func TestAddPartitions(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	sys, err := Build(w, repartitionConfig(), h)
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.CanAddPartitions("accounts", 2); err == nil || !strings.Contains(err.Error(), "only grows") {
		t.Fatalf("growing to the same count: %v, want a refusal", err)
	}
	sys.Start()
	at := sim.Time(1000 * time.Millisecond)
	w.Run(at, 0)
	tp := sys.Broker.topic("accounts")
	before := []int64{tp.partitions[0].end(), tp.partitions[1].end()}
	last := tp.record(0, before[0]-1)
	if err := sys.CanAddPartitions("accounts", 4); err != nil {
		t.Fatal(err)
	}
	sys.AddPartitions("accounts", 4)
	if !sys.Drain(10*time.Millisecond, 30*time.Second) {
		t.Fatal("the system did not drain")
	}
	if len(tp.partitions) != 4 || tp.record(0, before[0]-1) != last {
		t.Fatalf("partitions %d, want 4 with the old records in place", len(tp.partitions))
	}
	refresh := sim.Time(1200 * time.Millisecond) // the producer's first refresh after 1s
	var added, assigned bool
	for _, r := range h.All() {
		switch {
		case r.Kind == history.AddPartitions:
			added = r.Count == 4 && r.Partitions == "2,3" && r.Topic == "accounts" && r.At == int64(at)
		case r.Kind == history.Assign && strings.Contains(r.Partitions, "3"):
			assigned = true
		case r.Kind == history.Publish:
			n := 2
			if sim.Time(r.At) >= refresh {
				n = 4
			}
			if want := KeyPartition(r.Key, n); r.Partition != want {
				t.Fatalf("%s at +%v: partition %d, want %d (hash mod %d)", r.Event, time.Duration(r.At), r.Partition, want, n)
			}
		}
	}
	if !added || !assigned {
		t.Fatalf("add-partitions record %v, new partition assigned %v", added, assigned)
	}
	if tp.partitions[2].end() == 0 && tp.partitions[3].end() == 0 {
		t.Fatal("no record reached a new partition")
	}
}

// TestAddPartitionsDrainFirst: held producers publish nothing; the topic
// drains (nothing in flight, every partition committed to its end); the
// producers released after the growth publish what they held, in order,
// over the new count at once.
func TestAddPartitionsDrainFirst(t *testing.T) {
	w := sim.New(1)
	h := &history.History{}
	sys, err := Build(w, repartitionConfig(), h)
	if err != nil {
		t.Fatal(err)
	}
	sys.Start()
	hold := sim.Time(time.Second)
	w.Run(hold, 0)
	sys.HoldProducers("accounts")
	w.Run(hold+sim.Time(500*time.Millisecond), 0)
	if !sys.TopicDrained("accounts") {
		t.Fatal("the topic did not drain in 500ms with the producer held")
	}
	n := len(sys.Producers[0].held)
	if n == 0 {
		t.Fatal("the held producer drew no events")
	}
	last := 0
	for i, r := range h.All() {
		if r.Kind == history.Publish {
			last = i
			if sim.Time(r.At) > hold {
				t.Fatalf("%s published at +%v while held", r.Event, time.Duration(r.At))
			}
		}
	}
	sys.AddPartitions("accounts", 4)
	sys.ReleaseProducers("accounts")
	if sys.TopicDrained("accounts") {
		t.Fatal("drained right after the release, with the held events just sent")
	}
	released := 0
	for _, r := range h.Range(last+1, h.Len()) {
		if r.Kind != history.Publish {
			continue
		}
		released++
		if want := KeyPartition(r.Key, 4); r.Partition != want {
			t.Fatalf("%s: partition %d, want %d: a released producer has fresh metadata", r.Event, r.Partition, want)
		}
	}
	if released != n {
		t.Fatalf("released %d events, want the %d held", released, n)
	}
	if !sys.Drain(10*time.Millisecond, 30*time.Second) {
		t.Fatal("the system did not drain")
	}
}
