package scenarios_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// ledger is a user's handler: it adds each deposit to the balance of its
// account. With idempotent set it also keeps the ids it has applied, in
// the same transaction, and skips one it has seen ([model.Tx.Skip]: the
// member records a dedup instead of an effect). It reports its state for
// a key ([model.Stater]), so duplicate-delivery-invariance can tell
// whether applying an event again changed anything.
type ledger struct{ idempotent bool }

// Handle implements model.Handler.
func (l ledger) Handle(tx *model.Tx, r model.Record) {
	if l.idempotent {
		if _, seen := tx.Get("applied", r.ID); seen {
			tx.Skip()
			return
		}
		tx.Put("applied", r.ID, 1)
	}
	v, _ := tx.Get("balance", r.Key)
	tx.Put("balance", r.Key, v+r.Amount)
}

// State implements model.Stater.
func (ledger) State(tx *model.Tx, key string) int64 {
	v, _ := tx.Get("balance", key)
	return v
}

// ledgerScenario runs h as the handler of a two-member group under the
// crash plan.
func ledgerScenario(h model.Handler, plan []faults.Fault) *scenarios.Scenario {
	return &scenarios.Scenario{
		Name: "ledger", File: "example_handler_test.go", Duration: time.Second, Drain: 30 * time.Second,
		System: model.Config{
			Topics: []model.TopicConfig{{Name: "accounts", Partitions: 2}},
			Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 20 * time.Millisecond,
				Keys: 4, Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 2, Custom: h,
				Commit: model.CommitAfterHandle, ProcessingMin: time.Millisecond, ProcessingMax: 3 * time.Millisecond}},
		},
		Faults: faults.Plan{Faults: plan, Until: time.Second},
		Checks: []string{"exactly-once-effects", "duplicate-delivery-invariance", "no-loss"},
	}
}

// A user's handler under crash schedules that rapid draws: each schedule
// crashes the ledger's members at the n-th pass through one of the crash
// points a consumer member declares, then restarts them. Under the same
// schedules, the naive ledger applies a redelivered deposit twice, and
// the idempotent one holds (duplicate-delivery-invariance is unknown when
// no event was delivered twice: there is nothing to compare).
//
// Here [rapid.Generator.Example] draws the schedules, so the example runs
// without a *testing.T. In a test, let rapid draw and shrink them:
//
//	rapid.Check(t, func(t *rapid.T) {
//		plan := faults.Schedule(space).Draw(t, "schedule")
//		o, err := ledgerScenario(ledger{idempotent: true}, plan).Run(1)
//		if err != nil {
//			t.Fatal(err)
//		}
//		for _, r := range o.Results {
//			if r.Verdict != checks.Holds {
//				t.Fatalf("%s %s under %v: %s", r.Check, r.Verdict, plan, r.Explanation)
//			}
//		}
//	})
//
// A failing schedule shrinks to the smallest one, typically a single crash
// after the first effect.
func Example_handlerUnderCrashSchedule() {
	space := faults.Space{
		Targets:      []string{"ledger", "ledger-0", "ledger-1"},
		Points:       model.PointsOf(model.KindMember),
		MaxCrashes:   4,
		MaxNth:       40,
		RestartAfter: 200 * time.Millisecond,
	}
	for _, h := range []ledger{{idempotent: false}, {idempotent: true}} {
		fmt.Printf("idempotent: %v\n", h.idempotent)
		for i := range 5 {
			plan := faults.Schedule(space).Example(i)
			o, err := ledgerScenario(h, plan).Run(1)
			if err != nil {
				fmt.Println(err)
				return
			}
			var at []string
			for _, f := range plan {
				c := f.(faults.CrashNth)
				at = append(at, fmt.Sprintf("%s at %s hit %d", c.Target, c.Point, c.Nth))
			}
			fmt.Printf("  crashes [%s]:\n   ", strings.Join(at, "; "))
			for _, r := range o.Results {
				fmt.Printf(" %s %s", r.Check, r.Verdict)
			}
			fmt.Println()
			o.Release()
		}
	}
	// Output:
	// idempotent: false
	//   crashes [ledger at after-commit hit 31]:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
	//   crashes [ledger at after-effect hit 2; ledger at before-commit hit 3; ledger-1 at after-commit hit 1]:
	//     exactly-once-effects violated duplicate-delivery-invariance violated no-loss holds
	//   crashes []:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
	//   crashes [ledger-0 at before-effect hit 3; ledger-1 at after-effect hit 1; ledger at before-commit hit 1; ledger-1 at before-commit hit 3]:
	//     exactly-once-effects violated duplicate-delivery-invariance violated no-loss holds
	//   crashes []:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
	// idempotent: true
	//   crashes [ledger at after-commit hit 31]:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
	//   crashes [ledger at after-effect hit 2; ledger at before-commit hit 3; ledger-1 at after-commit hit 1]:
	//     exactly-once-effects holds duplicate-delivery-invariance holds no-loss holds
	//   crashes []:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
	//   crashes [ledger-0 at before-effect hit 3; ledger-1 at after-effect hit 1; ledger at before-commit hit 1; ledger-1 at before-commit hit 3]:
	//     exactly-once-effects holds duplicate-delivery-invariance holds no-loss holds
	//   crashes []:
	//     exactly-once-effects holds duplicate-delivery-invariance unknown no-loss holds
}
