package faults_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/internal/rapidtest"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/scenarios"
)

// ledger is a small pub/sub system in Go: a teller publishing deposits and
// a two-member ledger group applying them, crashed by plan.
func ledger(dedup model.Dedup, plan []faults.Fault) *scenarios.Scenario {
	return &scenarios.Scenario{
		File: "ledger_test.go", Name: "ledger", Duration: 2 * time.Second, Drain: 30 * time.Second,
		System: model.Config{
			Topics:    []model.TopicConfig{{Name: "accounts", Partitions: 2}},
			Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 20 * time.Millisecond, Keys: 4, Stop: 2 * time.Second, Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
			Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 2, Handler: "balance", Dedup: dedup, Commit: model.CommitAfterHandle, ProcessingMin: time.Millisecond, ProcessingMax: 3 * time.Millisecond}},
		},
		Faults: faults.Plan{Faults: plan, Until: 2 * time.Second},
		Checks: []string{"exactly-once-effects", "no-loss"},
	}
}

var space = faults.Space{
	Targets:      []string{"ledger", "ledger-0", "ledger-1"},
	Points:       model.PointsOf(model.KindMember),
	MaxCrashes:   6,
	MaxNth:       80,
	RestartAfter: 300 * time.Millisecond,
}

// property runs the ledger under a drawn crash schedule and fails if an
// event is applied twice or lost.
func property(dedup model.Dedup, last *[]faults.Fault) func(*rapid.T) {
	return func(t *rapid.T) {
		plan := faults.Schedule(space).Draw(t, "schedule")
		o, err := ledger(dedup, plan).Run(1)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		for _, r := range o.Results {
			if r.Verdict != checks.Holds {
				if last != nil {
					*last = plan
				}
				t.Fatalf("%s %s under %v: %s", r.Check, r.Verdict, plan, r.Explanation)
			}
		}
	}
}

// TestIdempotentLedgerUnderAnyCrashSchedule: with same-tx dedup, no crash
// schedule makes the ledger apply an event twice or lose one.
func TestIdempotentLedgerUnderAnyCrashSchedule(t *testing.T) {
	rapid.Check(t, property(model.DedupSameTx, nil))
}

// TestScheduleShrinksDoubleCredit: without dedup, rapid finds a schedule
// that double-credits and shrinks it to the smallest one: a single crash
// after the first effect.
func TestScheduleShrinksDoubleCredit(t *testing.T) {
	var last []faults.Fault
	if rapidtest.Fails(t, property(model.DedupNone, &last)) == nil {
		t.Fatal("rapid found no crash schedule that breaks the non-idempotent ledger")
	}
	want := faults.CrashNth{Target: "ledger", Point: model.PointAfterEffect, Nth: 1, RestartAfter: space.RestartAfter}
	if len(last) != 1 || last[0] != want {
		t.Fatalf("shrunk schedule %v, want [%v]", last, want)
	}
}
