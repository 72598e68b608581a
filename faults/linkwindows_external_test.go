package faults_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model/history"
)

// TestBackToBackLinkFaultsBothDegrade: a link fault that starts at the
// instant another on the same link ends degrades the link for its whole
// window: the first one's end does not undo it, and it adds its delay to
// the network's latency, not to the first fault's. Every request the
// teller sends is delayed past its request timeout from 0 to 2s, so the
// teller retries in the second second as in the first.
func TestBackToBackLinkFaultsBothDegrade(t *testing.T) {
	slow := func(at, until time.Duration) faults.Link {
		return faults.Link{A: []string{"teller"}, B: []string{"broker-1"}, OneWay: true, At: at, Until: until,
			DelayMin: 150 * time.Millisecond, DelayMax: 200 * time.Millisecond}
	}
	retries := func(fs ...faults.Fault) (first, second int) {
		o, err := cluster(fs...).Run(1)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range o.History.All() {
			if r.Kind != history.PublishRetry {
				continue
			}
			switch at := time.Duration(r.At); {
			case at >= 300*time.Millisecond && at < time.Second:
				first++
			case at >= 1300*time.Millisecond && at < 2*time.Second:
				second++
			}
		}
		return first, second
	}
	f1, s1 := retries(slow(0, 2*time.Second))
	if f1 == 0 || s1 == 0 {
		t.Fatalf("one fault over 2s: %d retries in the first second, %d in the second; want some in each", f1, s1)
	}
	f2, s2 := retries(slow(0, time.Second), slow(time.Second, 2*time.Second))
	if f2 == 0 || s2 == 0 {
		t.Fatalf("two faults back to back: %d retries in the first second, %d in the second; want some in each", f2, s2)
	}
}
