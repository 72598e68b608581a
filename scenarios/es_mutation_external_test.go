package scenarios_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// Mutation tests of the event-sourcing, outbox, saga and naming checks:
// each runs a fixed twin, requires its check to hold, plants one anomaly
// in a copy of the history and requires the check to flip to violated
// (and a check the anomaly does not concern to keep its verdict).

// esFixed runs the built-in scenario name on seed 1 and returns its
// history, after requiring each of the checks to hold on it.
func esFixed(t *testing.T, name string, hold ...string) *history.History {
	t.Helper()
	o := run(t, builtin(t, name), 1)
	for _, c := range hold {
		if r := esJudge(t, o.History, c); r.Verdict != checks.Holds {
			t.Fatalf("%s: %s is %s before any mutation: %s", name, c, r.Verdict, r.Explanation)
		}
	}
	return o.History
}

// esJudge runs the named check on h.
func esJudge(t *testing.T, h *history.History, name string) checks.Result {
	t.Helper()
	c, err := checks.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return c.Run(h)
}

// esMutate returns a copy of h with recs inserted before record i.
func esMutate(h *history.History, i int, recs ...history.Entry) *history.History {
	out := slices.Clone(h.Entries()[:i])
	out = append(out, recs...)
	return history.FromEntries(append(out, h.Entries()[i:]...))
}

// esWithout returns a copy of h without the records drop reports.
func esWithout(h *history.History, drop func(history.Entry) bool) *history.History {
	return history.FromEntries(slices.DeleteFunc(h.Entries(), drop))
}

// esFind returns the index of the first record of h that ok accepts.
func esFind(t *testing.T, h *history.History, what string, ok func(history.Entry) bool) int {
	t.Helper()
	i := slices.IndexFunc(h.Entries(), ok)
	if i < 0 {
		t.Fatalf("no %s in the history", what)
	}
	return i
}

func esWant(t *testing.T, h *history.History, check string, v checks.Verdict, phrases ...string) checks.Result {
	t.Helper()
	r := esJudge(t, h, check)
	if r.Verdict != v {
		t.Errorf("%s: %s, want %s: %s", check, r.Verdict, v, r.Explanation)
		return r
	}
	if v == checks.Violated && len(r.Witness) == 0 {
		t.Errorf("%s: violated with no witness", check)
	}
	for _, p := range phrases {
		if !strings.Contains(r.Explanation, p) {
			t.Errorf("%s: explanation %q does not mention %q", check, r.Explanation, p)
		}
	}
	return r
}

// TestOutboxEquivalenceOnProducerHistories: the history of a system with
// ordinary producers and no event store, read back from its JSON Lines as
// evsim check reads it, has nothing for outbox-equivalence to judge: it is
// not applicable, never violated. Nor do the other checks of the family
// esJudge what is not there.
func TestOutboxEquivalenceOnProducerHistories(t *testing.T) {
	for _, name := range []string{"fan-out", "idempotent-consumer"} {
		o := run(t, builtin(t, name), 1)
		h, err := history.ReadJSONL(name+".jsonl", bytes.NewReader(jsonl(t, o)))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"outbox-equivalence", "stream-integrity", "no-overdraft", "saga-single-instance", "saga-outcome"} {
			r := esJudge(t, h, c)
			if r.Verdict != checks.Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") {
				t.Errorf("%s: %s is %s, want not applicable: %s", name, c, r.Verdict, r.Explanation)
			}
		}
		if r := esJudge(t, h, "event-names"); r.Verdict != checks.Holds {
			t.Errorf("%s: event-names is %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

// TestMutationExpectedVersion plants a lost update (an append landed
// although its command decided on an older version) and an overdraft (a
// withdrawal larger than the balance) in expected-version's history.
func TestMutationExpectedVersion(t *testing.T) {
	h := esFixed(t, "expected-version", "stream-integrity", "no-overdraft")

	i := esFind(t, h, "append at version 2 or more", func(r history.Entry) bool {
		return r.Kind == history.StoreAppend && r.Version >= 2 && r.Basis == r.Version-1
	})
	lost := esMutate(h, 0)
	mut := lost.At(i)
	mut.Basis--
	lost.Set(i, mut)
	esWant(t, lost, "stream-integrity", checks.Violated, "lost update")
	esWant(t, lost, "no-overdraft", checks.Holds)

	balance := map[string]int64{}
	j := -1
	for k, r := range h.All() {
		if r.Kind != history.StoreAppend {
			continue
		}
		if r.Type == "Withdrawn" {
			j = k
			break
		}
		if r.Type == "Deposited" {
			balance[r.Key] += r.Amount
		}
	}
	if j < 0 {
		t.Fatal("no withdrawal in the history")
	}
	// The store records the state each event left: the planted
	// withdrawal left the balance at -1.
	over := esMutate(h, 0)
	{
		e := over.At(j)
		e.Amount = balance[h.At(j).Key] + 1
		e.Value, e.State = -1, "open=true balance=-1"
		over.Set(j, e)
	}
	esWant(t, over, "no-overdraft", checks.Violated, "Stream "+h.At(j).Key+" went to -1")
	esWant(t, over, "stream-integrity", checks.Holds)
}

// TestMutationRetrySameIDs plants in retry-same-ids' history what the
// store's idempotent append prevents: a retried command appended again,
// with the same event ids and with new ones.
func TestMutationRetrySameIDs(t *testing.T) {
	h := esFixed(t, "retry-same-ids", "stream-integrity", "no-overdraft")
	first := esFind(t, h, "store append", func(r history.Entry) bool {
		return r.Kind == history.StoreAppend && r.Command != ""
	})
	key := h.At(first).Key
	last := first
	for k, r := range h.All() {
		if r.Kind == history.StoreAppend && r.Key == key {
			last = k
		}
	}
	again := h.At(first)
	again.At, again.Version, again.Basis = h.At(last).At, h.At(last).Version+1, h.At(last).Version
	esWant(t, esMutate(h, last+1, again), "stream-integrity", checks.Violated, "appended twice to stream "+key)
	again.Event += "-retry"
	esWant(t, esMutate(h, last+1, again), "stream-integrity", checks.Violated, "Command "+again.Command+" appended twice")
}

// TestMutationTransactionalOutbox drops a relay's publish from
// transactional-outbox's history (a committed event lost to the topic),
// and adds a publish of an event never committed (a phantom). An exact
// duplicate of a relay's publish is at-least-once delivery, which
// outbox-equivalence counts and does not judge.
func TestMutationTransactionalOutbox(t *testing.T) {
	h := esFixed(t, "transactional-outbox", "outbox-equivalence")
	i := esFind(t, h, "relay publish", func(r history.Entry) bool {
		return r.Kind == history.Publish && strings.HasPrefix(r.Node, "relay-")
	})
	pub := h.At(i)
	a := esFind(t, h, "append of "+pub.Event, func(r history.Entry) bool {
		return r.Kind == history.Append && r.Event == pub.Event
	})
	app := h.At(a)

	dropped := esWithout(h, func(r history.Entry) bool {
		return (r.Kind == history.Publish || r.Kind == history.Append) && r.Event == pub.Event
	})
	esWant(t, dropped, "outbox-equivalence", checks.Violated, "Event "+pub.Event+" was committed", "never published")

	phantomPub, phantomApp := pub, app
	phantomPub.Event += "-phantom"
	phantomApp.Event, phantomApp.Offset = phantomPub.Event, app.Offset+1000
	phantom := esMutate(h, a+1, phantomApp)
	phantom = esMutate(phantom, i+1, phantomPub)
	esWant(t, phantom, "outbox-equivalence", checks.Violated, "Event "+phantomPub.Event+" was published", "never committed")

	dupApp := app
	dupApp.Offset += 1000
	dup := esMutate(esMutate(h, a+1, dupApp), i+1, pub)
	esWant(t, dup, "outbox-equivalence", checks.Holds, "1 were published more than once")
}

// TestMutationSagaOptimistic plants the three saga races in
// saga-optimistic's history: a second start of a saga, a compensation of
// a completed saga, and a stale write that puts a completed saga back to
// started at the end of the drained run.
func TestMutationSagaOptimistic(t *testing.T) {
	h := esFixed(t, "saga-optimistic", "saga-single-instance", "saga-outcome")
	s := esFind(t, h, "saga start", func(r history.Entry) bool { return r.Kind == history.SagaStart })
	start := h.At(s)
	second := start
	second.At = h.At(s + 1).At
	esWant(t, esMutate(h, s+1, second), "saga-single-instance", checks.Violated, "Saga "+start.Key+" in group "+start.Group+" was started 2 times")
	esWant(t, esMutate(h, s+1, second), "saga-outcome", checks.Holds)

	c := esFind(t, h, "saga completed", func(r history.Entry) bool { return r.Kind == history.SagaCompleted })
	done := h.At(c)
	comp := done
	comp.Kind, comp.Type = history.SagaCompensated, "PaymentTimedOut"
	esWant(t, esMutate(h, c+1, comp), "saga-outcome", checks.Violated, "Saga "+done.Key, "was both completed")
	esWant(t, esMutate(h, c+1, comp), "saga-single-instance", checks.Holds)

	// The saga's OrderPlaced, decided on a read from before the saga
	// existed, lands after the completion and starts it again.
	back := history.Entry{At: done.At, Kind: history.SagaStart, Node: done.Node, Group: done.Group, Topic: done.Topic,
		Event: done.Event, Key: done.Key, Type: "OrderPlaced", To: history.SagaStateStarted, Basis: 0, Version: 1}
	esWant(t, esMutate(h, c+1, back), "saga-outcome", checks.Violated, "Saga "+done.Key, "was left started", "1 saga was left open")
}

// TestMutationFactNamedEvent renames one published event of
// fact-named-event to a command.
func TestMutationFactNamedEvent(t *testing.T) {
	h := esFixed(t, "fact-named-event", "event-names")
	i := esFind(t, h, "publish", func(r history.Entry) bool { return r.Kind == history.Publish })
	m := esMutate(h, 0)
	{
		e := m.At(i)
		e.Type = "RegisterCustomer"
		m.Set(i, e)
	}
	r := esWant(t, m, "event-names", checks.Violated, `"RegisterCustomer" is shaped like a command`, "CustomerRegistered")
	if len(r.Witness) != 1 || r.Witness[0] != m.At(i) {
		t.Errorf("witness %v, want the renamed publish", r.Witness)
	}
}

// TestESChecksNotViolatedOnFixedScenarios: on seed 1 of every built-in
// scenario that expects no violation (the fixed twins and the teaching
// scenarios), none of the event-store, outbox, saga and naming checks is
// violated, whether the scenario lists it or not: evsim check with the
// default checks finds nothing of theirs to fail.
func TestESChecksNotViolatedOnFixedScenarios(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	family := []string{"stream-integrity", "no-overdraft", "outbox-equivalence", "saga-single-instance", "saga-outcome", "event-names"}
	judged := 0
	for _, s := range all {
		broken := false
		for _, v := range s.Expect {
			broken = broken || v == checks.Violated
		}
		if broken {
			continue
		}
		o := run(t, s, 1)
		for _, c := range family {
			if r := esJudge(t, o.History, c); r.Verdict == checks.Violated {
				t.Errorf("%s seed 1: %s violated: %s", s.Name, c, r.Explanation)
			}
		}
		o.Release()
		judged++
	}
	if judged < 30 {
		t.Errorf("only %d built-in scenarios expect no violation", judged)
	}
	t.Logf("%d scenarios judged", judged)
}
