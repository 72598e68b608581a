package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Hand-built saga histories: group "s", correlation id "order-1". Times
// are in milliseconds.

func sagaDeliver(at int64, node, event, typ string) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Deliver, Node: node, Group: "s", Topic: "t", Event: event,
		Key: "order-1", Type: typ}
}

func sagaRec(at int64, k history.Kind, node, event, typ string, basis, version int64, from, to string) history.Entry {
	return history.Entry{At: at * ms, Kind: k, Node: node, Group: "s", Topic: "t", Event: event, Key: "order-1",
		Type: typ, Basis: basis, Version: version, From: from, To: to}
}

func TestSagaSingleInstance(t *testing.T) {
	// Two events of order-1 are read at once; both find no instance and
	// start one.
	d1 := sagaDeliver(1, "s-0", "p-1", "OrderPlaced")
	d2 := sagaDeliver(2, "s-1", "p-2", "PaymentSucceeded")
	s1 := sagaRec(5, history.SagaStart, "s-0", "p-1", "OrderPlaced", 0, 1, "", "started")
	s2 := sagaRec(6, history.SagaStart, "s-1", "p-2", "PaymentSucceeded", 0, 1, "", "started")
	tr := sagaRec(6, history.SagaTransition, "s-1", "p-2", "PaymentSucceeded", 0, 1, "started", "completed")
	h := hist(d1, d2, s1, s2, tr, end(10, true))
	expect(t, SagaSingleInstance(h), "saga-single-instance", Violated, []history.Entry{d2, s1, s2},
		"Saga order-1 in group s was started 2 times", "found none", "optimistic concurrency", "1 saga was started more than once")

	// The same two events under a version check: the second conflicts,
	// reloads and joins the instance.
	conflict := sagaRec(6, history.SagaConflict, "s-1", "p-2", "PaymentSucceeded", 0, 1, "", "")
	tr2 := sagaRec(9, history.SagaTransition, "s-1", "p-2", "PaymentSucceeded", 1, 2, "started", "completed")
	h = hist(d1, d2, s1, conflict, tr2, end(10, true))
	expect(t, SagaSingleInstance(h), "saga-single-instance", Holds, nil, "Each of the 1 sagas was started once",
		"1 write were rejected")
}

func TestSagaOutcome(t *testing.T) {
	start := sagaRec(1, history.SagaStart, "s-0", "p-1", "OrderPlaced", 0, 1, "", "started")
	// A late success read the saga while it was started; the timeout's
	// compensation is written first, then the success completes it too.
	tc := sagaRec(5, history.SagaTransition, "s-0", "p-2", "PaymentTimedOut", 1, 2, "started", "compensated")
	comp := sagaRec(5, history.SagaCompensated, "s-0", "p-2", "PaymentTimedOut", 1, 2, "", "")
	ts := sagaRec(6, history.SagaTransition, "s-1", "p-3", "PaymentSucceeded", 1, 2, "started", "completed")
	done := sagaRec(6, history.SagaCompleted, "s-1", "p-3", "PaymentSucceeded", 1, 2, "", "")
	h := hist(start, tc, comp, ts, done, end(10, true))
	expect(t, SagaOutcome(h), "saga-outcome", Violated, []history.Entry{comp, ts, done},
		"was both compensated at +5ms", "and completed at +6ms", "it had read version 1", "1 saga was both completed and compensated")

	// A lost update: the success completes the saga, then OrderPlaced,
	// decided on an empty read, puts it back to started.
	s2 := sagaRec(7, history.SagaStart, "s-0", "p-1", "OrderPlaced", 0, 1, "", "started")
	h = hist(start, ts, done, s2, end(10, true))
	expect(t, SagaOutcome(h), "saga-outcome", Violated, []history.Entry{done, s2, end(10, true)},
		"was left started at the end of a drained run", "lost update", "1 saga was left open")

	// The same open saga in a run that did not drain is not judged: its
	// last event may still be coming.
	h = hist(start, ts, done, s2, end(10, false))
	expect(t, SagaOutcome(h), "saga-outcome", Unknown, nil, "1 saga was still open", "before it drained")

	// Guarded: the late success conflicts, reloads the compensated saga
	// and is ignored.
	conflict := sagaRec(6, history.SagaConflict, "s-1", "p-3", "PaymentSucceeded", 1, 2, "", "")
	h = hist(start, tc, comp, conflict, end(10, true))
	expect(t, SagaOutcome(h), "saga-outcome", Holds, nil, "completed (0) or compensated (1)", "none was left open")

	// A saga that never got its outcome, in a drained run.
	h = hist(start, end(10, true))
	expect(t, SagaOutcome(h), "saga-outcome", Violated, []history.Entry{start, end(10, true)}, "was left started")
}

func TestSagaChecksNotApplicableWithoutSagas(t *testing.T) {
	for _, c := range []func(*history.History) Result{SagaSingleInstance, SagaOutcome} {
		if r := c(hist(end(10, true))); r.Verdict != Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") {
			t.Errorf("%s: %s on an empty history: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}
