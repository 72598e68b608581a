package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestExplanationsLeaveOutAnAbsentAmount: a user's events often carry
// no amount (OrderPlaced); an explanation names such an event by its
// type alone, not as "OrderPlaced 0", and one with an amount by both.
func TestExplanationsLeaveOutAnAbsentAmount(t *testing.T) {
	pub := func(at int64, e string) history.Entry {
		return history.Entry{At: at, Kind: history.Publish, Node: "api", Topic: "orders", Event: e, Key: "order-1", Type: "OrderPlaced"}
	}
	eff := func(at int64, e string, off, value int64) history.Entry {
		return history.Entry{At: at, Kind: history.Effect, Node: "s-0", Group: "shipping", Topic: "orders", Offset: off, Event: e,
			Key: "order-1", Type: "OrderPlaced", Value: value}
	}
	h := history.FromEntries([]history.Entry{{Kind: history.Subscribe, Group: "shipping", Topic: "orders", Stateful: true},
		pub(1, "o1"), pub(2, "o2"), eff(3, "o2", 1, 1), eff(4, "o1", 0, 2), eff(5, "o1", 0, 3)})
	for _, r := range []Result{ExactlyOnceEffects(h), KeyOrder(h), DuplicateDeliveryInvariance(h)} {
		if r.Verdict != Violated {
			t.Errorf("%s: %s: %s", r.Check, r.Verdict, r.Explanation)
			continue
		}
		if strings.Contains(r.Explanation, "OrderPlaced 0") || !strings.Contains(r.Explanation, "OrderPlaced") {
			t.Errorf("%s names the event by an amount it does not have: %s", r.Check, r.Explanation)
		}
	}
	if got, want := eventWhat("Deposited", 5), "Deposited 5"; got != want {
		t.Errorf("eventWhat with an amount: %q, want %q", got, want)
	}
}
