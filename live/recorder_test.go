package live

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestDeliveryAttemptCountsTheOffset: a delivery's attempt counts the
// deliveries of its offset in its group, as the simulation's does: an
// event the log holds at two offsets (a retry's duplicate) is a first
// delivery at each, and a redelivery of one offset is its second.
func TestDeliveryAttemptCountsTheOffset(t *testing.T) {
	rc := newRecorder("live: test")
	d := func(offset int64) int {
		return rc.deliver(history.Entry{Group: "g", Topic: "t", Partition: 1, Offset: offset, Event: "p-1"}).Attempt
	}
	if a, b, c := d(3), d(7), d(3); a != 1 || b != 1 || c != 2 {
		t.Errorf("attempts %d, %d, %d; want 1 (offset 3), 1 (offset 7, the duplicate), 2 (offset 3 again)", a, b, c)
	}
}

// TestRefusesLossWithAcksNone: request-loss and ack-loss are applied live
// by holding a produce request's answer, and with acks none there is
// none: the knobs are refused, naming them, rather than silently never
// striking.
func TestRefusesLossWithAcksNone(t *testing.T) {
	s, err := scenarios.Builtin("producer-retry-duplicates")
	if err != nil {
		t.Fatal(err)
	}
	p := &s.System.Producers[0]
	p.Acks, p.RequestLoss = model.AcksNone, p.AckLoss
	r := Refusals(s, Options{})
	if !slices.ContainsFunc(r, func(m string) bool {
		return strings.Contains(m, "request-loss, ack-loss with acks none")
	}) {
		t.Errorf("refusals %q do not name request-loss with acks none", r)
	}
}
