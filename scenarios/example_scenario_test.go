package scenarios_test

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

// A scenario built in Go rather than YAML: a teller publishing deposits, a
// ledger applying them with a handler of our own, and a crash right after
// the effect, before the offset commit.
func ExampleScenario_Run() {
	credit := model.HandlerFunc(func(tx *model.Tx, r model.Record) {
		v, _ := tx.Get("balance", r.Key)
		tx.Put("balance", r.Key, v+r.Amount)
	})
	s := &scenarios.Scenario{
		Name: "my-ledger", File: "example_scenario_test.go", Duration: 2 * time.Second, Drain: 30 * time.Second,
		System: model.Config{
			Topics: []model.TopicConfig{{Name: "accounts", Partitions: 2}},
			Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 20 * time.Millisecond,
				Keys: 4, Stop: 2 * time.Second, Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 2, Custom: credit,
				Dedup: model.DedupNone, Commit: model.CommitAfterHandle}},
		},
		Faults: faults.Plan{Until: 2 * time.Second, Faults: []faults.Fault{
			faults.Crash{Target: "ledger", Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 1, Den: 20}, RestartAfter: 300 * time.Millisecond},
		}},
		Checks: []string{"exactly-once-effects", "no-loss"},
	}
	o, err := s.Run(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range o.Results {
		fmt.Printf("%s: %s\n", r.Check, r.Verdict)
	}
	// Output:
	// exactly-once-effects: violated
	// no-loss: holds
}
