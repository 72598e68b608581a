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
