package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

func TestExactlyOnceEffectsHolds(t *testing.T) {
	h := hist(
		sub("g"), sub("f"),
		ack(1, "e1", 0, 0), ack(1, "e2", 0, 1),
		deliver(2, "g-0", "e1", 0, 0, 1), effect(3, "g-0", "e1", 0, 0),
		// the same event in another group is not a repeat
		deliver(2, "f-0", "e1", 0, 0, 1), effect(3, "f-0", "e1", 0, 0),
		deliver(4, "g-0", "e2", 0, 1, 1), effect(5, "g-0", "e2", 0, 1),
		crash(6, "g-0", "after-effect"), restart(7, "g-0"),
		// a redelivery that is recognised is not an effect
		deliver(8, "g-0", "e2", 0, 1, 2), dedup(9, "g-0", "e2", 0, 1),
		end(10, true),
	)
	expect(t, ExactlyOnceEffects(h), "exactly-once-effects", Holds, nil, "3 effects")
}

func TestExactlyOnceEffectsEmpty(t *testing.T) {
	expect(t, ExactlyOnceEffects(&history.History{}), "exactly-once-effects", Unknown, nil, "Not applicable")
	// deliveries and dedups without an effect: nothing applied
	expect(t, ExactlyOnceEffects(hist(sub("g"), ack(1, "e1", 0, 0), deliver(2, "g-0", "e1", 0, 0, 1),
		dedup(3, "g-0", "e1", 0, 0), end(4, true))), "exactly-once-effects", Unknown, nil, "Not applicable")
}

func TestExactlyOnceEffectsViolated(t *testing.T) {
	first := effect(3, "g-0", "e1", 0, 0)
	cr := crash(4, "g-0", "after-effect")
	redeliver := deliver(6, "g-0", "e1", 0, 0, 2)
	second := effect(7, "g-0", "e1", 0, 0)
	h := hist(
		sub("g"), ack(1, "e1", 0, 0), ack(1, "e2", 1, 0),
		deliver(2, "g-0", "e1", 0, 0, 1), first,
		deliver(3, "g-1", "e2", 1, 0, 1), // another event: not in the witness
		crash(4, "g-1", "before-effect"), // another member: not in the witness
		cr, restart(5, "g-0"),
		redeliver, second,
		crash(8, "g-0", "after-effect"), // after the repeat: not in the witness
		deliver(9, "g-0", "e1", 0, 0, 3), effect(10, "g-0", "e1", 0, 0),
		end(11, true),
	)
	expect(t, ExactlyOnceEffects(h), "exactly-once-effects", Violated,
		[]history.Entry{first, cr, redeliver, second},
		"Event e1", "group g", "g-0 crashed at after-effect (+4ms)", "again at +7ms", "2 effect(s)")
}

func TestExactlyOnceEffectsViolatedWithoutCrash(t *testing.T) {
	// A duplicate publish or a broker redelivery without a crash.
	a := effect(3, "g-0", "e1", 0, 0)
	b := effect(5, "g-0", "e1", 0, 0)
	h := hist(sub("g"), a, b)
	expect(t, ExactlyOnceEffects(h), "exactly-once-effects", Violated, []history.Entry{a, b},
		"Event e1", "without a crash in between", "1 effect(s)")
}

func TestExactlyOnceEffectsReportsFirstRepeat(t *testing.T) {
	// e2 is repeated before e1 is: the witness is e2's.
	a1, b1 := effect(1, "g-0", "e1", 0, 0), effect(2, "g-0", "e2", 0, 1)
	b2, a2 := effect(3, "g-0", "e2", 0, 1), effect(4, "g-0", "e1", 0, 0)
	expect(t, ExactlyOnceEffects(hist(a1, b1, b2, a2)), "exactly-once-effects", Violated,
		[]history.Entry{b1, b2}, "Event e2", "2 effect(s)")
}
