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

// TestAccountProjectionUnboxed: the account's projection of one event
// (applyRow, which ValueProjection uses) is the fold through FromRow,
// Apply and Value, for every event type and both apply logics.
func TestAccountProjectionUnboxed(t *testing.T) {
	for _, a := range []Account{{}, {Cents: true}} {
		for _, typ := range append(a.Types(), "Renamed", "") {
			for _, row := range []int64{0, 5, -3} {
				for _, v := range []int64{1, 2, 9} {
					e := Event{Type: typ, Amount: 7, Version: v}
					want := a.Value(a.Apply(a.FromRow(row, v-1), e))
					if got := (ValueProjection{Aggregate: a}).Apply(row, e); got != want {
						t.Errorf("%+v: %s of 7 on row %d at version %d: %d, want %d", a, typ, row, v, got, want)
					}
				}
			}
		}
	}
}

// panicText runs f and returns what it panicked with ("" for none).
func panicText(f func()) (text string) {
	defer func() {
		if r := recover(); r != nil {
			text = r.(string)
		}
	}()
	f()
	return ""
}

// TestRegisterRefusesNilLogic: a factory that builds no aggregate and a
// nil projection function are refused when registered, with a message
// naming them, instead of a nil dereference in the run or the checks.
func TestRegisterRefusesNilLogic(t *testing.T) {
	for _, c := range []struct {
		what string
		f    func()
		want string
	}{
		{"factory of nil", func() { Register("test-nil-aggregate", func(int) Aggregate { return nil }) },
			`domain: aggregate "test-nil-aggregate": its factory builds no aggregate (nil) for apply logic 1`},
		{"nil projection function", func() { RegisterProjection("test-nil-projection", ProjectionFunc(nil)) },
			`domain: projection "test-nil-projection" is a nil function`},
	} {
		if got := panicText(c.f); got != c.want {
			t.Errorf("%s: panic %q, want %q", c.what, got, c.want)
		}
	}
	if _, ok := Lookup("test-nil-aggregate"); ok {
		t.Error("the refused aggregate was registered")
	}
	if _, ok := LookupProjection("test-nil-projection"); ok {
		t.Error("the refused projection was registered")
	}
}
