package faults_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/scenarios"
	"github.com/evsim/evsim/sim"
)

// TestEveryFaultKindSameSeedSameHistory: a plan with every kind of fault
// (crashes by probability, at a hit and at a time, pauses, churn both
// ways, partitions and lossy, slow links) run twice with one seed gives
// the same checksum, the same history entry for entry and the same
// strikes; another seed gives another run.
func TestEveryFaultKindSameSeedSameHistory(t *testing.T) {
	net := func() *scenarios.Scenario {
		return cluster(
			faults.Partition{A: []string{"broker-1"}, B: []string{"broker-2", "broker-3", "controller"}, At: time.Second, Until: 2 * time.Second},
			faults.Link{A: []string{"teller"}, B: []string{"broker-1"}, At: 500 * time.Millisecond,
				DelayMin: time.Millisecond, DelayMax: 30 * time.Millisecond, Drop: sim.Ratio{Num: 1, Den: 5}},
			faults.CrashAt{Target: "broker-3", At: 2500 * time.Millisecond, RestartAfter: 200 * time.Millisecond},
			faults.Crash{Target: "broker-2", Point: "after-follower-fetch", Probability: sim.Ratio{Num: 1, Den: 10}, RestartAfter: 300 * time.Millisecond},
		)
	}
	for _, mk := range []func() *scenarios.Scenario{everyKind, net} {
		name := mk().Name
		a, err := mk().Run(1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := mk().Run(1)
		if err != nil {
			t.Fatal(err)
		}
		c, err := mk().Run(2)
		if err != nil {
			t.Fatal(err)
		}
		if a.Checksum != b.Checksum || !slices.Equal(a.History.Entries(), b.History.Entries()) ||
			fmt.Sprint(a.FaultsStruck) != fmt.Sprint(b.FaultsStruck) {
			t.Errorf("%s: two runs at seed 1 differ: checksums %016x %016x, strikes %v and %v", name, a.Checksum, b.Checksum, a.FaultsStruck, b.FaultsStruck)
		}
		if a.Checksum == c.Checksum {
			t.Errorf("%s: seeds 1 and 2 give the same checksum", name)
		}
		for _, st := range a.FaultsStruck[:len(mk().Faults.Faults)] {
			if st.Times == 0 && st.Fault != "faults[6] crash mailer at before-commit, probability 0, no restart" {
				t.Errorf("%s: %s never struck: the test proves nothing about it", name, st.Fault)
			}
		}
	}
}
