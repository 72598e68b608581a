package checks

import "fmt"

// acctState is the state of one account in the sequential specification
// of the built-in bank account; it is comparable.
type acctState struct {
	Open    bool
	Balance int64
}

func (s acctState) String() string {
	if !s.Open {
		return "not open"
	}
	return fmt.Sprintf("balance %d", s.Balance)
}

// takesEffect reports whether command o, applied to s, changes the
// account, and the state after it: Open on an account not open, Deposit
// on an open one, Withdraw on an open one holding the amount. Any other
// command is refused and leaves s as it is.
func takesEffect(s acctState, o *linOp) (bool, acctState) {
	switch o.Op {
	case opOpen:
		if !s.Open {
			return true, acctState{Open: true, Balance: s.Balance}
		}
	case opDeposit:
		if s.Open {
			return true, acctState{Open: true, Balance: s.Balance + o.Amount}
		}
	case opWithdraw:
		if s.Open && s.Balance >= o.Amount {
			return true, acctState{Open: true, Balance: s.Balance - o.Amount}
		}
	}
	return false, s
}

// stepAccount is the sequential specification: whether operation o may
// take place in state s with the answer it got, and the state after it.
// A command answered ok must take effect and report the balance after it;
// a rejected one must be refused and report the balance it saw (a
// withdrawal) ; an outApplied command must take effect. A read must see
// the row of s. An outMaybe command is legal here only if it takes
// effect: "not applied" is the same as linearizing it after everything,
// which the search grants by never requiring it.
func stepAccount(s acctState, o *linOp) (bool, acctState) {
	if o.Op == opRead {
		return o.Found == s.Open && (!o.Found || o.Value == s.Balance), s
	}
	effect, next := takesEffect(s, o)
	switch o.Out {
	case outOK:
		return effect && (o.Op == opOpen || o.Value == next.Balance), next
	case outRejected:
		if effect {
			return false, s
		}
		return o.Op != opWithdraw || !s.Open || o.Value == s.Balance, s
	}
	// outApplied and outMaybe
	return effect, next
}
