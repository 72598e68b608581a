package live

import (
	"testing"

	"github.com/evsim/evsim/model/history"
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
