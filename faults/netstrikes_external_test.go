package faults_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
)

// TestNetworkFaultBetweenNodesThatNeverTalkNeverStrikes: a partition or a
// link fault between the teller and the controller, which never exchange
// a message, is reported as never struck, and so is one that starts
// after the fault window; their twins, on links that carry the teller's
// requests and the brokers' heartbeats, strike once each.
func TestNetworkFaultBetweenNodesThatNeverTalkNeverStrikes(t *testing.T) {
	s := cluster(
		faults.Partition{A: []string{"teller"}, B: []string{"controller"}, At: time.Second, Until: 3 * time.Second},
		faults.Link{A: []string{"teller"}, B: []string{"controller"}, At: time.Second, Until: 3 * time.Second,
			DelayMax: 5 * time.Millisecond},
		faults.Partition{A: []string{"broker-3"}, B: []string{"controller"}, At: 5 * time.Second},
		faults.Partition{A: []string{"broker-3"}, B: []string{"controller"}, At: time.Second, Until: 3 * time.Second},
		faults.Link{A: []string{"teller"}, B: []string{"broker-1"}, At: time.Second, Until: 3 * time.Second,
			DelayMax: 5 * time.Millisecond},
	)
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 0, 0, 1, 1}
	if len(o.FaultsStruck) != len(want) {
		t.Fatalf("%d faults reported, want %d: %v", len(o.FaultsStruck), len(want), o.FaultsStruck)
	}
	for i, w := range want {
		if st := o.FaultsStruck[i]; st.Times != w {
			t.Errorf("%s struck %d times, want %d", st.Fault, st.Times, w)
		}
	}
}
