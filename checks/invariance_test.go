package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// valued is an effect that reports the state of its key after it.
func valued(at int64, node, event string, offset, value int64) history.Entry {
	r := effect(at, node, event, 0, offset)
	r.Value = value
	return r
}

func statefulSub(group string) history.Entry {
	r := sub(group)
	r.Stateful = true
	return r
}

func TestInvarianceUnknownWithoutState(t *testing.T) {
	// The handler reports no state: its effects carry no value, and the
	// repeat of e1 proves nothing either way.
	h := hist(sub("g"), ack(1, "e1", 0, 0), effect(2, "g-0", "e1", 0, 0), crash(3, "g-0", "after-effect"),
		restart(4, "g-0"), deliver(5, "g-0", "e1", 0, 0, 2), effect(6, "g-0", "e1", 0, 0), end(7, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Unknown, nil,
		"Not applicable", "no consumer reports the state it keeps", "1 repeated effect by consumers that do not report their state")
	expect(t, DuplicateDeliveryInvariance(&history.History{}), "duplicate-delivery-invariance", Unknown, nil, "Not applicable")
}

func TestInvarianceUnknownWithoutRepeat(t *testing.T) {
	h := hist(statefulSub("g"), ack(1, "e1", 0, 0), valued(2, "g-0", "e1", 0, 5), end(7, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Unknown, nil,
		"Not applicable", "no event reached a consumer that reports its state a second time")
	// a dedup without an effect before it is no repeat
	h = hist(statefulSub("g"), ack(1, "e1", 0, 0), dedup(2, "g-0", "e1", 0, 0), valued(3, "g-0", "e1", 0, 5), end(7, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Unknown, nil, "Not applicable")
}

func TestInvarianceStatefulField(t *testing.T) {
	// A stateful subscriber whose key's state is 0 after each effect: the
	// values are all omitted, and the repeat is judged from the field.
	first := effect(2, "g-0", "e1", 0, 0)
	first.Amount, first.Value = 0, 0
	h := hist(statefulSub("g"), first, first, end(3, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Holds, nil, "1 applied again without a change")
	// and one that moves the state from 0 to 5 breaks it
	second := valued(3, "g-0", "e1", 0, 5)
	h = hist(statefulSub("g"), first, second, end(4, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Violated, []history.Entry{first, second}, "from 0 to 5")
}

func TestInvarianceInfersStateFromValues(t *testing.T) {
	// A history written before Subscribe records said Stateful: effects
	// that carry values show the subscriber keeps state.
	a, b := valued(2, "g-0", "e1", 0, 5), valued(3, "g-0", "e2", 1, 12)
	again := valued(5, "g-0", "e1", 0, 17)
	h := hist(sub("g"), a, b, again, end(6, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Violated, []history.Entry{a, again}, "from 12 to 17")
}

func TestInvarianceCountsSkippedRedeliveries(t *testing.T) {
	// The redelivery of e1 after the crash is skipped as already
	// processed: a repeat that left the state as it was.
	h := hist(statefulSub("g"), ack(1, "e1", 0, 0), valued(2, "g-0", "e1", 0, 5), crash(3, "g-0", "after-effect"),
		restart(4, "g-0"), deliver(5, "g-0", "e1", 0, 0, 2), dedup(6, "g-0", "e1", 0, 0), end(7, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Holds, nil,
		"1 event delivery", "0 applied again without a change, 1 skipped as already processed")
	// another group's effect does not make g's dedup a repeat
	h = hist(statefulSub("g"), statefulSub("f"), valued(2, "f-0", "e1", 0, 5), dedup(6, "g-0", "e1", 0, 0), end(7, true))
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Unknown, nil, "Not applicable")
}

func TestInvarianceJudgesAV1History(t *testing.T) {
	// JSON Lines as evsim wrote them before subscribe records said
	// "stateful": the effects' values show the state.
	const v1 = `{"schema":"evsim.history/v1"}
{"at":0,"kind":"subscribe","group":"ledger","topic":"account-events"}
{"at":1000,"kind":"effect","node":"ledger-0","group":"ledger","topic":"account-events","event":"teller-1","key":"acct-3","type":"Deposited","amount":42,"value":42}
{"at":2000,"kind":"crash","node":"ledger-0","group":"ledger","point":"after-effect"}
{"at":3000,"kind":"effect","node":"ledger-0","group":"ledger","topic":"account-events","event":"teller-1","key":"acct-3","type":"Deposited","amount":42,"value":84}
{"at":4000,"kind":"end","drained":true}
`
	h, err := history.ReadJSONL("v1.jsonl", strings.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	expect(t, DuplicateDeliveryInvariance(h), "duplicate-delivery-invariance", Violated, []history.Entry{h.At(1), h.At(3)},
		"from 42 to 84")
}
