package checks

import (
	"strings"
	"testing"
)

// A user's saga that logs only its end (a saga-completed, no start or
// transition): it ended, and saga-outcome must not call it left open.
const sagaEndOnly = `{"schema":"evsim.history/v2"}
{"at":1,"kind":"saga-completed","node":"orders","group":"orders","key":"order-1","type":"PaymentReceived","event":"p1","version":3}
{"at":2,"kind":"end","drained":true}
`

func TestSagaOutcomeSagaWithOnlyItsEndIsNotOpen(t *testing.T) {
	res := SagaOutcome(readHist(t, sagaEndOnly))
	if res.Verdict != Holds {
		t.Fatalf("saga-outcome = %s (%s), want holds: the saga completed", res.Verdict, res.Explanation)
	}
}

// With no saga-start recorded, saga-single-instance has no start to
// count: not applicable, rather than "started once".
func TestSagaSingleInstanceWithoutStartsIsNotApplicable(t *testing.T) {
	res := SagaSingleInstance(readHist(t, sagaEndOnly))
	if res.Verdict != Unknown || !strings.Contains(res.Explanation, "saga-start") {
		t.Fatalf("saga-single-instance = %s (%s), want unknown for want of a saga-start", res.Verdict, res.Explanation)
	}
}

// The started twin is judged both ways: one start holds, a start left in
// state started at the end of a drained run is open.
func TestSagaChecksStartedTwinJudged(t *testing.T) {
	h := readHist(t, `{"schema":"evsim.history/v2"}
{"at":1,"kind":"saga-start","node":"orders","group":"orders","key":"order-1","type":"OrderPlaced","event":"o1","to":"started","version":1}
{"at":2,"kind":"saga-start","node":"orders","group":"orders","key":"order-2","type":"OrderPlaced","event":"o2","to":"started","version":1}
{"at":3,"kind":"saga-completed","node":"orders","group":"orders","key":"order-1","type":"PaymentReceived","event":"p1","version":2}
{"at":4,"kind":"end","drained":true}
`)
	if res := SagaSingleInstance(h); res.Verdict != Holds || !strings.Contains(res.Explanation, "2 sagas") {
		t.Errorf("saga-single-instance = %s (%s), want holds over 2 sagas", res.Verdict, res.Explanation)
	}
	if res := SagaOutcome(h); res.Verdict != Violated || !strings.Contains(res.Explanation, "order-2") {
		t.Errorf("saga-outcome = %s (%s), want violated naming order-2", res.Verdict, res.Explanation)
	}
}
