package faults_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestFaultsSpareAMemberNotYetDeployed: a crash at a time and a churn
// aimed at a member of a group that starts at 1s strike nothing before
// then (the application is not deployed), and the member first joins at
// 1s; their twins after 1s strike.
func TestFaultsSpareAMemberNotYetDeployed(t *testing.T) {
	run := func(f faults.Fault) (struck int, firstJoin int64) {
		t.Helper()
		s := &scenarios.Scenario{File: "undeployed_test.go", Name: "undeployed", Duration: 2 * time.Second, Drain: 10 * time.Second,
			System: model.Config{
				Topics: []model.TopicConfig{{Name: "accounts", Partitions: 1}},
				Producers: []model.ProducerConfig{{Name: "teller", Topic: "accounts", Interval: 10 * time.Millisecond, Keys: 4,
					Events: []model.EventSpec{{Type: "Deposited", AmountMin: 1, AmountMax: 9}}}},
				Consumers: []model.ConsumerConfig{{Group: "ledger", Topic: "accounts", Members: 1, Handler: "balance", Start: time.Second}},
			},
			Faults: faults.Plan{Until: 2 * time.Second, Faults: []faults.Fault{f}},
		}
		o, err := s.Run(1)
		if err != nil {
			t.Fatal(err)
		}
		firstJoin = -1
		for _, r := range o.History.All() {
			if r.Kind == history.Join && r.Node == "ledger-0" {
				firstJoin = r.At
				break
			}
		}
		return o.FaultsStruck[0].Times, firstJoin
	}
	for _, c := range []struct {
		f    faults.Fault
		want int
	}{
		{faults.CrashAt{Target: "ledger", At: 500 * time.Millisecond, RestartAfter: 100 * time.Millisecond}, 0},
		{faults.Churn{Target: "ledger", Every: 300 * time.Millisecond, Down: 100 * time.Millisecond, Mode: faults.ChurnCrash}, 3},
		{faults.CrashAt{Target: "ledger", At: 1500 * time.Millisecond, RestartAfter: 100 * time.Millisecond}, 1},
	} {
		struck, join := run(c.f)
		if join != int64(time.Second) {
			t.Errorf("%v: ledger-0 first joined at %v, want 1s", c.f, time.Duration(join))
		}
		if struck != c.want {
			t.Errorf("%v: struck %d times, want %d", c.f, struck, c.want)
		}
	}
}
