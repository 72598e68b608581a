package domain

import (
	"fmt"
	"testing"
)

// TestBoxedStates checks that the states the built-in aggregates hand out
// from their boxes are the states they fold to, and describe as fmt
// spells them, on both sides of the boxed range and for negative values.
func TestBoxedStates(t *testing.T) {
	for _, open := range []bool{false, true} {
		for _, bal := range []int64{-1025, -1, 0, 1, 7, accountBoxMax - 1, accountBoxMax, accountBoxMax + 1, 1 << 40} {
			s := AccountState{Open: open, Balance: bal}
			if got := boxAccount(s); got != any(s) {
				t.Errorf("boxAccount(%+v) = %#v", s, got)
			}
			for _, cents := range []bool{false, true} {
				want := fmt.Sprintf("open=%t balance=%d", open, bal)
				if cents {
					want += "c"
				}
				if got := (Account{Cents: cents}).Describe(s); got != want {
					t.Errorf("Account{Cents: %t}.Describe(%+v) = %q, want %q", cents, s, got, want)
				}
			}
		}
		for _, items := range []int64{-3, 0, 1, CartMax, cartBoxMax - 1, cartBoxMax, 1000} {
			s := CartState{Items: items, CheckedOut: open}
			if got := boxCart(s); got != any(s) {
				t.Errorf("boxCart(%+v) = %#v", s, got)
			}
			if got, want := (Cart{}).Describe(s), fmt.Sprintf("items=%d checked-out=%t", items, open); got != want {
				t.Errorf("Cart.Describe(%+v) = %q, want %q", s, got, want)
			}
		}
	}
	acc := Account{}
	s := acc.Initial()
	for i, typ := range []string{Opened, Deposited, Deposited, Withdrawn} {
		s = acc.Apply(s, Event{Type: typ, Amount: int64(600 * i)})
	}
	if want := (AccountState{Open: true, Balance: 600 + 1200 - 1800}); s != any(want) {
		t.Errorf("folded %#v, want %#v", s, want)
	}
}

// TestBoxedApplyAllocs checks that folding an event into a small
// account or cart state allocates nothing.
func TestBoxedApplyAllocs(t *testing.T) {
	acc, cart := Account{}, Cart{}
	s, c := acc.Apply(acc.Initial(), Event{Type: Opened}), cart.Initial()
	e, ce := Event{Type: Deposited, Amount: 3}, Event{Type: ItemAdded, Amount: 1}
	if n := testing.AllocsPerRun(100, func() {
		_ = acc.Describe(acc.Apply(s, e))
		_ = cart.Describe(cart.Apply(c, ce))
	}); n != 0 {
		t.Errorf("%v allocations per apply, want 0", n)
	}
}
