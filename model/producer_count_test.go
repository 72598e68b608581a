package model

import (
	"testing"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TestProducerCount: a producer with Count publishes exactly that many
// events, numbered 1..Count, and then
// stops although its run goes on; Build refuses a negative count.
func TestProducerCount(t *testing.T) {
	cfg := Config{
		Topics: []TopicConfig{{Name: "accounts", Partitions: 2}},
		Producers: []ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 3,
			Count: 5, Events: []EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
		Consumers: []ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance"}},
	}
	for seed := uint64(1); seed <= 20; seed++ {
		w, sys, h := buildSystem(t, cfg, seed)
		sys.Start()
		w.Run(sim.Time(2*time.Second), 0)
		var ids []string
		for _, r := range h.All() {
			if r.Kind == history.Publish {
				ids = append(ids, r.Event)
			}
		}
		if len(ids) != 5 || ids[0] != "teller-1" || ids[4] != "teller-5" {
			t.Fatalf("seed %d: published %v, want teller-1..teller-5", seed, ids)
		}
	}
	bad := cfg
	bad.Producers = []ProducerConfig{cfg.Producers[0]}
	bad.Producers[0].Count = -1
	if _, err := Build(sim.New(1), bad, &history.History{}); err == nil {
		t.Fatal("count -1: want an error")
	}
}
