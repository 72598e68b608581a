package model

import (
	"fmt"
	"sort"
)

// Command asks an aggregate to change: Type is imperative (Deposit), Key
// names the aggregate (its stream), Amount is the command's argument.
type Command struct {
	ID     string
	Key    string
	Type   string
	Amount int64
}

// Change is one event an aggregate decided on, before the store gives it
// an id, a version and a position: a past-tense Type and an Amount.
type Change struct {
	Type   string
	Amount int64
}

// Aggregate is the write model of one kind of aggregate: a decision and a
// fold, both pure. States are values: Apply and Decide never mutate the
// state they are given. The built-ins ([Account], [Cart]) are written
// against this interface; Go users supply their own the same way.
type Aggregate interface {
	// Initial is the state of an aggregate with an empty stream.
	Initial() any
	// Apply folds one event into the state.
	Apply(state any, e StoredEvent) any
	// Decide turns a command into the events it causes, or rejects it
	// with a short reason (a non-empty string).
	Decide(state any, c Command) ([]Change, string)
	// Describe renders a state stably; snapshot checks compare these.
	Describe(state any) string
	// Value is the number a command or query reports for the state (a
	// balance, an item count).
	Value(state any) int64
	// FromRow rebuilds a state from a read model row (its value and the
	// stream version it reflects), for clients that validate commands
	// against the read model.
	FromRow(value, version int64) any
}

// AggregateFactory builds the aggregate logic for an apply-logic version
// (1 for the original; 2 after a change of apply logic mid-run).
type AggregateFactory func(logic int) Aggregate

// Aggregates are the built-in aggregates by name.
var Aggregates = map[string]AggregateFactory{
	"account": func(logic int) Aggregate { return Account{Cents: logic >= 2} },
	"cart":    func(int) Aggregate { return Cart{} },
}

// AggregateNames returns the names of the built-in aggregates, sorted.
func AggregateNames() []string {
	names := make([]string, 0, len(Aggregates))
	for n := range Aggregates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fold replays events onto the initial state.
func fold(a Aggregate, s any, events []StoredEvent) any {
	for _, e := range events {
		s = a.Apply(s, e)
	}
	return s
}

func unknownCommand(c Command) string { return fmt.Sprintf("unknown command %s", c.Type) }
