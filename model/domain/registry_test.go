package domain

import (
	"testing"
)

// TestRegistry: the built-ins are registered, a name is taken once, an
// aggregate's name finds its value projection, and a history's types
// find the one built-in they fit.
func TestRegistry(t *testing.T) {
	if f, ok := Lookup("account"); !ok || !f(2).(Account).Cents {
		t.Fatalf("account: %v, logic 2 in cents", ok)
	}
	p, ok := LookupProjection("cart")
	if !ok {
		t.Fatal("no value projection of the cart")
	}
	if row := p.Apply(p.Apply(0, Event{Type: ItemAdded, Amount: 3, Version: 1}), Event{Type: ItemRemoved, Amount: 1, Version: 2}); row != 2 {
		t.Errorf("cart rows: %d, want 2", row)
	}
	for _, c := range []struct {
		types []string
		want  string
		ok    bool
	}{
		{[]string{"Open", Deposited}, "account", true},
		{[]string{"AddItem", CheckedOut}, "cart", true},
		{[]string{Deposited, ItemAdded}, "", false},
		{[]string{"Frobnicated"}, "", false},
		{nil, "", false},
	} {
		if got, ok := Infer(c.types); got != c.want || ok != c.ok {
			t.Errorf("Infer(%v) = %q, %v; want %q, %v", c.types, got, ok, c.want, c.ok)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("registering account twice did not panic")
		}
	}()
	Register("account", func(int) Aggregate { return Cart{} })
}

// TestAccountValueProjection: the account's read model row follows its
// Apply: deposits add, withdrawals subtract, opening adds nothing.
func TestAccountValueProjection(t *testing.T) {
	p := ValueProjection{Aggregate: Account{}}
	row := int64(0)
	for i, e := range []Event{{Type: Opened}, {Type: Deposited, Amount: 10}, {Type: Withdrawn, Amount: 4}, {Type: Deposited, Amount: 1}} {
		e.Version = int64(i + 1)
		row = p.Apply(row, e)
	}
	if row != 7 {
		t.Errorf("row %d, want 7", row)
	}
}
