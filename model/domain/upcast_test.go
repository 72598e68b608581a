package domain

import "testing"

// TestUpcastMoney: a v1 Deposited or Withdrawn gets the currency v1
// implied, keeping its other fields; a v2 event, and an event without
// money, are left as they are.
func TestUpcastMoney(t *testing.T) {
	for _, c := range []struct{ in, want Event }{
		{Event{Type: Deposited, Amount: 5}, Event{Type: Deposited, Amount: 5, Payload: `{"currency":"EUR"}`}},
		{Event{Type: Withdrawn, Payload: `{"note":"rent"}`}, Event{Type: Withdrawn, Payload: `{"currency":"EUR","note":"rent"}`}},
		{Event{Type: Deposited, Payload: `{"currency":"USD"}`}, Event{Type: Deposited, Payload: `{"currency":"USD"}`}},
		{Event{Type: Opened}, Event{Type: Opened}},
		{Event{Type: Deposited, Payload: "not json"}, Event{Type: Deposited, Payload: "not json"}},
	} {
		if got := UpcastMoney.Upcast(c.in); got != c.want {
			t.Errorf("Upcast(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestEURBalances: the euro balance of a stream written in both schemas
// counts every deposit and withdrawal through the upcaster, and only the
// v2 ones without it; the write model's value counts them all.
func TestEURBalances(t *testing.T) {
	v1, v2 := CurrencyAccount{Schema: 1}, CurrencyAccount{Schema: 2}
	var events []Event
	state := v1.Initial()
	for i, step := range []struct {
		a   CurrencyAccount
		cmd Command
	}{
		{v1, Command{Type: "Open"}}, {v1, Command{Type: "Deposit", Amount: 50}}, {v1, Command{Type: "Withdraw", Amount: 20}},
		{v2, Command{Type: "Deposit", Amount: 7}}, {v2, Command{Type: "Withdraw", Amount: 3}},
	} {
		changes, why := step.a.Decide(state, step.cmd)
		if why != "" {
			t.Fatalf("step %d rejected: %s", i, why)
		}
		for _, ch := range changes {
			e := Event{Type: ch.Type, Amount: ch.Amount, Payload: ch.Payload, Version: int64(len(events) + 1)}
			events = append(events, e)
			state = step.a.Apply(state, e)
		}
	}
	if events[1].Payload != "" || events[3].Payload != `{"currency":"EUR"}` {
		t.Fatalf("payloads: v1 %q, v2 %q", events[1].Payload, events[3].Payload)
	}
	raw, upcasts := WithoutUpcaster(EURBalances)
	if !upcasts {
		t.Fatal("eur-balances has no upcaster")
	}
	if _, ok := WithoutUpcaster(ValueProjection{Aggregate: Account{}}); ok {
		t.Error("the value projection has an upcaster")
	}
	fold := func(p Projection) (row int64) {
		for _, e := range events {
			row = p.Apply(row, e)
		}
		return row
	}
	if got, want := fold(EURBalances), v2.Value(state); got != want || want != 34 {
		t.Errorf("upcast fold %d, write model %d, want 34", got, want)
	}
	if got := fold(raw); got != 4 {
		t.Errorf("fold without the upcaster %d, want 4 (the v2 events only)", got)
	}
	if p, ok := LookupProjection("eur-balances"); !ok {
		t.Error("eur-balances not registered")
	} else if _, upcasts := WithoutUpcaster(p); !upcasts {
		t.Error("the registered eur-balances has no upcaster")
	}
}
