package faults_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

// cluster is a three-broker replicated topic under acks all, with the
// given network faults between 1s and 3s of a 4s run.
func cluster(fs ...faults.Fault) *scenarios.Scenario {
	d := 4 * time.Second
	return &scenarios.Scenario{
		File: "network_test.go", Name: "network", Duration: d, Drain: 30 * time.Second,
		System: model.Config{
			Topics: []model.TopicConfig{{Name: "accounts", Partitions: 1, ReplicationFactor: 3, MinInsyncReplicas: 2,
				ReplicaLagTimeMax: 500 * time.Millisecond, BrokerSessionTimeout: time.Second}},
			Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 4,
				Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}, Acks: model.AcksAll,
				Idempotent: true, Retries: 100, RequestTimeout: 100 * time.Millisecond}},
			Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance"}},
		},
		Faults: faults.Plan{Until: d, Faults: fs},
	}
}

// changes returns the partition changes of a run, and when the ISR last
// named all three brokers; its first fault must strike once.
func changes(t *testing.T, s *scenarios.Scenario) (elected []string, fenced bool, whole int64) {
	t.Helper()
	return changesStruck(t, s, 1)
}

// changesStruck is changes whose first fault must strike times times.
func changesStruck(t *testing.T, s *scenarios.Scenario, times int) (elected []string, fenced bool, whole int64) {
	t.Helper()
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range o.History.All() {
		if r.Kind != history.PartitionChange {
			continue
		}
		if r.Election == history.ElectionClean {
			elected = append(elected, r.Node)
		}
		if r.Partitions == "broker-2,broker-3" {
			fenced = true
		}
		if len(r.Partitions) == len("broker-1,broker-2,broker-3") {
			whole = r.At
		}
	}
	if st := o.FaultsStruck[0]; st.Times != times {
		t.Fatalf("%s struck %d times, want %d", st.Fault, st.Times, times)
	}
	return elected, fenced, whole
}

// TestPartitionFencesTheCutOffLeader: cut off both ways from the others
// and the controller, the leader is fenced once its session runs out and
// a follower is elected; after the heal the old leader rejoins the ISR.
func TestPartitionFencesTheCutOffLeader(t *testing.T) {
	elected, fenced, whole := changes(t, cluster(faults.Partition{A: []string{"broker-1"},
		B: []string{"broker-2", "broker-3", "controller"}, At: time.Second, Until: 3 * time.Second}))
	if len(elected) != 1 || elected[0] != "broker-2" || !fenced {
		t.Fatalf("elected %v, fenced %v; want broker-2 elected with broker-1 out of the ISR", elected, fenced)
	}
	if whole < int64(3*time.Second) {
		t.Fatalf("broker-1 never rejoined the ISR after the heal (last whole ISR at %v)", time.Duration(whole))
	}
}

// TestOneWayPartitionToTheController: when only the controller's messages
// to the leader are lost, the leader's heartbeats still arrive and it
// keeps its session and its leadership; the controller, which answers no
// heartbeat, then sends it nothing, so the partition never strikes. When
// only its heartbeats are lost, it is fenced.
func TestOneWayPartitionToTheController(t *testing.T) {
	elected, _, _ := changesStruck(t, cluster(faults.Partition{A: []string{"controller"}, B: []string{"broker-1"}, OneWay: true,
		At: time.Second, Until: 3 * time.Second}), 0)
	if len(elected) != 0 {
		t.Fatalf("controller -> broker-1 cut: elected %v, want no election", elected)
	}
	elected, _, _ = changes(t, cluster(faults.Partition{A: []string{"broker-1"}, B: []string{"controller"}, OneWay: true,
		At: time.Second, Until: 3 * time.Second}))
	if len(elected) == 0 || elected[0] != "broker-2" {
		t.Fatalf("broker-1 -> controller cut: elected %v, want broker-2", elected)
	}
}

// TestLinkDelayTimesOutRequests: a link fault that delays the producer's
// messages to the leader past its request timeout makes it retry.
func TestLinkDelayTimesOutRequests(t *testing.T) {
	retries := func(fs ...faults.Fault) int {
		o, err := cluster(fs...).Run(1)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range o.History.All() {
			if r.Kind == history.PublishRetry {
				n++
			}
		}
		return n
	}
	if n := retries(); n != 0 {
		t.Fatalf("%d retries without a fault", n)
	}
	slow := faults.Link{A: []string{"teller"}, B: []string{"broker-1"}, OneWay: true, At: time.Second, Until: 2 * time.Second,
		DelayMin: 150 * time.Millisecond, DelayMax: 200 * time.Millisecond}
	if n := retries(slow); n == 0 {
		t.Fatal("no retry with every request delayed past the request timeout")
	}
	lossy := faults.Link{A: []string{"teller"}, B: []string{"broker-1"}, At: time.Second, Until: 2 * time.Second,
		Drop: sim.Ratio{Num: 1, Den: 3}}
	if n := retries(lossy); n == 0 {
		t.Fatal("no retry with a third of the messages lost")
	}
}
