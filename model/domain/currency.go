package domain

import "encoding/json"

// EUR is the currency of every deposit and withdrawal of a
// [CurrencyAccount]: schema v1 knew no other.
const EUR = "EUR"

// Money is the payload of a Deposited or Withdrawn event of a
// [CurrencyAccount] in schema v2: the currency of its Amount. Schema v1
// events have no payload.
type Money struct {
	Currency string `json:"currency"`
}

// CurrencyAccount is the built-in account in two versions of its event
// schema, registered as "currency-account". Schema 1 (apply logic 1)
// writes Deposited and Withdrawn with an Amount only, as [Account] does;
// schema 2 (apply logic 2, from the scenario's logic-change-at, the deploy
// of version 2 of the service) adds a payload naming the currency
// ([Money]). The write model's fold is the account's: it never reads the
// currency, so it reads both schemas alike. The read model that does is
// [EURBalances].
type CurrencyAccount struct {
	Schema int
}

// Initial implements Aggregate.
func (CurrencyAccount) Initial() any { return Account{}.Initial() }

// Apply implements Aggregate: the account's.
func (CurrencyAccount) Apply(state any, e Event) any { return Account{}.Apply(state, e) }

// Decide implements Aggregate: the account's decisions, their Deposited and
// Withdrawn events in euros from schema 2 on.
func (a CurrencyAccount) Decide(state any, c Command) ([]Change, string) {
	changes, why := Account{}.Decide(state, c)
	if a.Schema >= 2 {
		p, _ := json.Marshal(Money{Currency: EUR})
		for i, ch := range changes {
			if ch.Type == Deposited || ch.Type == Withdrawn {
				changes[i].Payload = string(p)
			}
		}
	}
	return changes, why
}

// Describe implements Aggregate.
func (CurrencyAccount) Describe(state any) string { return Account{}.Describe(state) }

// Value implements Aggregate: the balance.
func (CurrencyAccount) Value(state any) int64 { return Account{}.Value(state) }

// FromRow implements Aggregate.
func (CurrencyAccount) FromRow(value, version int64) any { return Account{}.FromRow(value, version) }

// UpcastMoney is the upcaster of a [CurrencyAccount]'s events: a
// Deposited or Withdrawn without a currency (schema v1) gets EUR, the
// only currency schema v1 knew; other fields of a payload are kept.
var UpcastMoney = UpcasterFunc(func(e Event) Event {
	if e.Type != Deposited && e.Type != Withdrawn {
		return e
	}
	fields := map[string]any{}
	if e.Payload != "" && json.Unmarshal([]byte(e.Payload), &fields) != nil {
		return e // not a JSON object: not an event this upcaster knows
	}
	if _, ok := fields["currency"]; ok {
		return e
	}
	fields["currency"] = EUR
	p, _ := json.Marshal(fields) // keys sorted: deterministic
	e.Payload = string(p)
	return e
})

// EURBalance is the fold of the euro balance of an account, written for
// schema v2: a Deposited in euros adds its Amount, a Withdrawn in euros
// subtracts it, and an event in another currency, or in none, leaves the
// row alone. An event without a payload decodes, as with most JSON
// deserializers, to the zero value: no currency.
var EURBalance = ProjectionFunc(func(row int64, e Event) int64 {
	var m Money
	_ = json.Unmarshal([]byte(e.Payload), &m)
	if m.Currency != EUR {
		return row
	}
	switch e.Type {
	case Deposited:
		return row + e.Amount
	case Withdrawn:
		return row - e.Amount
	}
	return row
})

// EURBalances is the read model of a [CurrencyAccount]'s euro balances,
// registered as "eur-balances": [EURBalance] reading stored events through
// [UpcastMoney]. A projector that drops the upcaster ([WithoutUpcaster])
// counts no schema v1 event.
var EURBalances = Upcasting{Upcaster: UpcastMoney, Projection: EURBalance}

func init() {
	Register("currency-account", func(logic int) Aggregate { return CurrencyAccount{Schema: logic} })
	RegisterProjection("eur-balances", EURBalances)
}
