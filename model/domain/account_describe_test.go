package domain

import (
	"fmt"
	"testing"
)

// TestAccountDescribeSpelling checks that Describe spells a state as
// "open=%t balance=%d", with a c for cents, for negative, zero and large
// balances.
func TestAccountDescribeSpelling(t *testing.T) {
	for _, cents := range []bool{false, true} {
		for _, s := range []AccountState{{}, {Open: true, Balance: 42}, {Open: true, Balance: -7}, {Balance: -9223372036854775808}, {Open: true, Balance: 9223372036854775807}} {
			want := fmt.Sprintf("open=%t balance=%d", s.Open, s.Balance)
			if cents {
				want += "c"
			}
			if got := (Account{Cents: cents}).Describe(s); got != want {
				t.Errorf("Account{Cents: %t}.Describe(%+v) = %q, want %q", cents, s, got, want)
			}
		}
	}
}
