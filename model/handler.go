package model

import (
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// Record is one record of a partition log, as a consumer sees it.
type Record struct {
	ID     string
	Key    string
	Type   string
	Amount int64
	// Payload is the event's own data (JSON, or any UTF-8 text, as
	// [domain.Event]'s), for the event types of a user's domain that
	// carry more than one number.
	Payload string
	// Poison marks a malformed event: every handler fails on it.
	Poison bool
	// control is a transaction's control marker (controlCommit,
	// controlAbort; 0: a data record), for the broker to append; a
	// consumer never sees one.
	control uint8
	// tag is the symbols of ID and Key in the history, from the event's
	// first record, to pass with its next ones (the zero Tag: none)
	tag       history.Tag
	Topic     string
	Partition int
	Offset    int64
}

// Handler applies a record's effect inside a database transaction. It must
// be deterministic: it may read and write only through tx, and must not
// let the order of a map's iteration decide what it writes (a run would
// then differ from its replay at the same seed, which the world's
// checksum does not see, and rapid could not shrink a failure). The
// consumer commits the transaction when Handle returns and records an
// effect, unless the handler called [Tx.Skip] to say it had seen the
// record's id before: then nothing is committed and the consumer records
// a dedup. A record that is none of the handler's business is handled by
// writing nothing (an effect with no writes), not by a skip, which
// no-loss counts as a lost event. An effect outside tx (an email sent)
// is not rolled back by a crash: exactly-once-effects counts each
// delivery handled as an effect.
//
// Handle cannot fail: a handler's failures are drawn
// ([ConsumerConfig].Failures) or come from a poison record, and
// [ConsumerConfig].OnError says what follows. A panic in Handle is a bug
// of the handler: it ends the run, going on as an error that names the
// member, the record and the simulated time and wraps the handler's
// panic (rapid reports it, with the schedule that led to it). The time handling takes is simulated
// ([ConsumerConfig].ProcessingMin and ProcessingMax), whatever the Go
// code costs. A handler may also report its state ([Stater]), and a
// handler that is a process manager implements [Saga].
type Handler interface {
	Handle(tx *Tx, r Record)
}

// Stater is implemented by handlers that can say what state they keep for
// a key. The consumer records it with every effect, so that a check can
// tell whether applying an event again changed anything (duplicate-delivery
// invariance), and marks the subscription stateful in the history. A
// handler without it is recorded with state 0 and a subscription that is
// not stateful: duplicate-delivery-invariance then has no evidence and
// says unknown.
type Stater interface {
	State(tx *Tx, key string) int64
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(tx *Tx, r Record)

// Handle implements Handler.
func (f HandlerFunc) Handle(tx *Tx, r Record) { f(tx, r) }

// Handlers are the built-in handlers by name.
var Handlers = map[string]Handler{
	"balance":     tableHandler{balance},
	"last-amount": tableHandler{lastAmount},
	"order-saga":  OrderSaga{},
	// none: a consume-transform-produce loop that writes nothing but its
	// output records
	HandlerNone: nil,
}

// BalanceTable is the table the built-in handlers keep their state in.
const BalanceTable = "balance"

// Balance keeps the balance of the record's key by the built-in account's
// rule (its value projection): a deposit adds, a withdrawal subtracts, and
// applying one twice counts twice.
func Balance(tx *Tx, r Record) { balance(tx, &r) }

// balance is [Balance] on a record in place.
func balance(tx *Tx, r *Record) {
	v, _ := tx.Get(BalanceTable, r.Key)
	tx.Put(BalanceTable, r.Key, v+account.Change(r.Type, r.Amount))
}

// account is the built-in account, whose value projection is a row plus
// what the event adds to the balance ([domain.Account.Change]).
var account = domain.Account{}

// Event returns the record as an event of its key's stream at version
// (the record's ID, key, type, amount and payload).
func (r Record) Event(version int64) StoredEvent {
	return StoredEvent{ID: r.ID, Stream: r.Key, Type: r.Type, Amount: r.Amount, Payload: r.Payload, Version: version}
}

// LastAmount stores the record's amount as the state of its key: applying
// it twice in a row changes nothing, but applying an old record after a
// newer one puts the old value back.
func LastAmount(tx *Tx, r Record) { lastAmount(tx, &r) }

// lastAmount is [LastAmount] on a record in place.
func lastAmount(tx *Tx, r *Record) {
	tx.Put(BalanceTable, r.Key, r.Amount)
}

// tableHandler is a built-in handler whose state is a row of BalanceTable.
// Its function takes the record by address: a member calls it on the
// batch's record in place, with no copy of it.
type tableHandler struct{ fn func(tx *Tx, r *Record) }

// Handle implements Handler.
func (h tableHandler) Handle(tx *Tx, r Record) { h.fn(tx, &r) }

// State implements Stater.
func (tableHandler) State(tx *Tx, key string) int64 {
	v, _ := tx.Get(BalanceTable, key)
	return v
}
