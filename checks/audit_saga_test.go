package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestSagaEndedByItsEndRecordWhateverItsStateName: a user's saga names
// its states itself (placed, paid, shipped); the saga-completed record
// after its last write says that write ended it, so a drained run leaves
// no saga open. A write after the end record (a stale one that put the
// saga back in a waiting state) still leaves it open.
func TestSagaEndedByItsEndRecordWhateverItsStateName(t *testing.T) {
	start := sagaRec(1, history.SagaStart, "s-0", "p-1", "OrderPlaced", 0, 1, "", "placed")
	paid := sagaRec(2, history.SagaTransition, "s-0", "p-2", "PaymentSucceeded", 1, 2, "placed", "paid")
	shipped := sagaRec(3, history.SagaTransition, "s-0", "p-3", "ParcelShipped", 2, 3, "paid", "shipped")
	done := sagaRec(3, history.SagaCompleted, "s-0", "p-3", "ParcelShipped", 0, 3, "", "")
	if r := SagaOutcome(hist(start, paid, shipped, done, end(10, true))); r.Verdict != Holds {
		t.Errorf("completed in state shipped: %s: %s", r.Verdict, r.Explanation)
	}
	stale := sagaRec(4, history.SagaTransition, "s-1", "p-2", "PaymentSucceeded", 1, 2, "placed", "paid")
	if r := SagaOutcome(hist(start, paid, shipped, done, stale, end(10, true))); r.Verdict != Violated {
		t.Errorf("put back to paid after it completed: %s: %s", r.Verdict, r.Explanation)
	}
	if r := SagaOutcome(hist(start, paid, end(10, true))); r.Verdict != Violated {
		t.Errorf("left paid, never ended: %s: %s", r.Verdict, r.Explanation)
	}
}
