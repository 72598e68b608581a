package model

import "github.com/evsim/evsim/model/domain"

// The business logic the event-sourced nodes run is defined in package
// [domain], which the checks import too; these names are the same types.
type (
	// Command asks an aggregate to change ([domain.Command]).
	Command = domain.Command
	// Change is one event an aggregate decided on ([domain.Change]).
	Change = domain.Change
	// Aggregate is the write model of one kind of aggregate
	// ([domain.Aggregate]).
	Aggregate = domain.Aggregate
	// AggregateFactory builds the aggregate logic for an apply-logic
	// version ([domain.Factory]).
	AggregateFactory = domain.Factory
	// Projection is the fold of a read model's row ([domain.Projection]).
	Projection = domain.Projection
	// Account is the built-in bank account ([domain.Account]).
	Account = domain.Account
	// AccountState is the state of an Account.
	AccountState = domain.AccountState
	// Cart is the built-in shopping cart ([domain.Cart]).
	Cart = domain.Cart
	// CartState is the state of a Cart.
	CartState = domain.CartState
)

// CartMax is the most items a built-in cart holds.
const CartMax = domain.CartMax

// AggregateNames returns the names of the registered aggregates (the
// built-ins and those registered with [domain.Register]), sorted.
func AggregateNames() []string { return domain.Names() }

// fold replays events onto the initial state.
func fold(a Aggregate, s any, events []StoredEvent) any { return domain.Fold(a, s, events) }
