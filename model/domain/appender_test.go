package domain

import (
	"reflect"
	"testing"
)

// TestAccountDecideAppend checks that the account's DecideAppend decides
// as Decide does, for every command on states open and not, rich and
// poor, under both apply logics, and that it appends to the buffer it is
// given without touching what the buffer held.
func TestAccountDecideAppend(t *testing.T) {
	for _, a := range []Account{{}, {Cents: true}} {
		for _, st := range []AccountState{{}, {Open: true}, {Open: true, Balance: 50}, {Open: true, Balance: 5000}} {
			for _, typ := range []string{"Open", "Deposit", "Withdraw", "ChargeFee", "Close"} {
				c := Command{Key: "acct-0", Type: typ, Amount: 30}
				want, wantWhy := a.Decide(st, c)
				buf := []Change{{Type: "kept"}}
				got, why := DecideInto(a, buf[:1], st, c)
				if why != wantWhy {
					t.Fatalf("%+v %s on %+v: reason %q, Decide's %q", a, typ, st, why, wantWhy)
				}
				if why != "" {
					continue
				}
				if !reflect.DeepEqual(got[1:], want) || got[0].Type != "kept" {
					t.Fatalf("%+v %s on %+v: appended %+v, Decide's %+v", a, typ, st, got, want)
				}
			}
		}
	}
}

// TestCartDecideAppend checks the cart's decisions, through Decide and
// through DecideAppend onto a buffer whose contents it keeps: each
// command on an empty, a partly full, a full and a checked-out cart.
func TestCartDecideAppend(t *testing.T) {
	type want struct {
		change Change // Type "" when rejected
		why    string
	}
	empty, some, full, out := CartState{}, CartState{Items: 3}, CartState{Items: CartMax}, CartState{Items: 2, CheckedOut: true}
	cases := []struct {
		st   CartState
		c    Command
		want want
	}{
		{empty, Command{Type: "AddItem", Amount: 2}, want{Change{Type: ItemAdded, Amount: 2}, ""}},
		{full, Command{Type: "AddItem", Amount: 1}, want{why: "cart full"}},
		{some, Command{Type: "RemoveItem", Amount: 3}, want{Change{Type: ItemRemoved, Amount: 3}, ""}},
		{some, Command{Type: "RemoveItem", Amount: 4}, want{why: "not in cart"}},
		{some, Command{Type: "Checkout"}, want{Change{Type: CheckedOut}, ""}},
		{empty, Command{Type: "Checkout"}, want{why: "empty cart"}},
		{out, Command{Type: "AddItem", Amount: 1}, want{why: "checked out"}},
		{some, Command{Type: "Pay"}, want{why: "unknown command Pay"}},
	}
	for _, tc := range cases {
		changes, why := Cart{}.Decide(tc.st, tc.c)
		buf := []Change{{Type: "kept"}}
		got, gotWhy := DecideInto(Cart{}, buf[:1], tc.st, tc.c)
		if why != tc.want.why || gotWhy != tc.want.why {
			t.Fatalf("%s on %+v: reasons %q and %q, want %q", tc.c.Type, tc.st, why, gotWhy, tc.want.why)
		}
		if why != "" {
			continue
		}
		if !reflect.DeepEqual(changes, []Change{tc.want.change}) || !reflect.DeepEqual(got, []Change{{Type: "kept"}, tc.want.change}) {
			t.Fatalf("%s on %+v: Decide %+v, DecideAppend %+v, want %+v", tc.c.Type, tc.st, changes, got, tc.want.change)
		}
	}
}
