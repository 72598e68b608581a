package domain

// The built-in account's event types.
const (
	Opened    = "Opened"
	Deposited = "Deposited"
	Withdrawn = "Withdrawn"
	// FeeCharged is a fee taken from the balance, decided by a ChargeFee
	// command: the event type a later version of a service adds, which
	// a projector deployed before it has no handler for.
	FeeCharged = "FeeCharged"
)

// Account is the built-in bank account aggregate. Commands: Open,
// Deposit, Withdraw, ChargeFee (with an Amount). Events: Opened,
// Deposited, Withdrawn, FeeCharged. A withdrawal or a fee that would
// overdraw the account is rejected, and so is every command but Open on
// an account that is not open.
//
// Cents selects apply logic 2, which keeps the balance in cents instead of
// whole units: the change of apply logic the snapshot-drift scenario makes
// mid-run. A snapshot written by logic 1 and read by logic 2 drifts.
type Account struct {
	Cents bool
}

// AccountState is the state of an [Account].
type AccountState struct {
	Open    bool
	Balance int64
}

func (a Account) unit() int64 {
	if a.Cents {
		return 100
	}
	return 1
}

// Initial implements Aggregate.
func (Account) Initial() any { return AccountState{} }

// Apply implements Aggregate.
func (a Account) Apply(state any, e Event) any {
	s := state.(AccountState)
	if e.Type == Opened {
		s.Open = true
	}
	s.Balance += a.change(e)
	return boxAccount(s)
}

// change is what e adds to the balance.
func (a Account) change(e Event) int64 { return a.Change(e.Type, e.Amount) }

// Change is what an event of type typ with amount adds to the balance:
// the rule of Apply, for a caller that holds the two fields alone.
func (a Account) Change(typ string, amount int64) int64 {
	switch typ {
	case Deposited:
		return amount * a.unit()
	case Withdrawn, FeeCharged:
		return -amount * a.unit()
	}
	return 0
}

// applyRow is Value(Apply(FromRow(row, v), e)) for any version v, without
// boxing the state: the account's projection of one event.
func (a Account) applyRow(row int64, e Event) int64 { return row + a.change(e) }

// Decide implements Aggregate.
func (a Account) Decide(state any, c Command) ([]Change, string) {
	return a.DecideAppend(nil, state, c)
}

// DecideAppend implements Appender.
func (a Account) DecideAppend(buf []Change, state any, c Command) ([]Change, string) {
	s := state.(AccountState)
	switch c.Type {
	case "Open":
		if s.Open {
			return nil, "already open"
		}
		return append(buf, Change{Type: Opened}), ""
	case "Deposit":
		if !s.Open {
			return nil, "not open"
		}
		return append(buf, Change{Type: Deposited, Amount: c.Amount}), ""
	case "Withdraw", "ChargeFee": // money out: the same rule, its own event
		if !s.Open {
			return nil, "not open"
		}
		if s.Balance < c.Amount*a.unit() {
			return nil, "insufficient funds"
		}
		typ := Withdrawn
		if c.Type == "ChargeFee" {
			typ = FeeCharged
		}
		return append(buf, Change{Type: typ, Amount: c.Amount}), ""
	}
	return nil, UnknownCommand(c)
}

// Describe implements Aggregate.
func (a Account) Describe(state any) string {
	s := state.(AccountState)
	// the store describes the state after every append: a small state's
	// description is spelled once
	if s.Balance >= 0 && s.Balance < accountBoxMax {
		cents, open := 0, 0
		if a.Cents {
			cents = 1
		}
		if s.Open {
			open = 1
		}
		return accountDescriptions()[cents][open][s.Balance]
	}
	var buf [48]byte
	return string(appendAccount(buf[:0], s, a.Cents))
}

// Value implements Aggregate: the balance.
func (Account) Value(state any) int64 { return state.(AccountState).Balance }

// FromRow implements Aggregate: a row exists once the account is opened.
func (Account) FromRow(value, version int64) any {
	return boxAccount(AccountState{Open: version > 0, Balance: value})
}

// Types implements Typed.
func (Account) Types() []string {
	return []string{"Open", "Deposit", "Withdraw", "ChargeFee", Opened, Deposited, Withdrawn, FeeCharged}
}
