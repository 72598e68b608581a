package model

import "github.com/evsim/evsim/sim"

// Record is one record of a partition log, as a consumer sees it.
type Record struct {
	ID     string
	Key    string
	Type   string
	Amount int64
	// Poison marks a malformed event: every handler fails on it.
	Poison    bool
	Topic     string
	Partition int
	Offset    int64

	appended sim.Time // when the broker appended it, for retention
	// a replicated partition's record: the leader epoch it was appended
	// in, and the idempotent producer's id and sequence number (0: none)
	epoch    int
	pid, seq int64
	pepoch   int // the idempotent producer's epoch of seq
}

// Handler applies a record's effect inside a database transaction. It must
// be deterministic: it may read and write only through tx. The consumer
// commits the transaction when Handle returns and records an effect,
// unless the handler called [Tx.Skip] to say it had seen the record's id
// before: then nothing is committed and the consumer records a dedup. A
// handler may also report its state ([Stater]), and a handler that is a
// process manager implements [Saga].
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
	"balance":     tableHandler{Balance},
	"last-amount": tableHandler{LastAmount},
	"order-saga":  OrderSaga{},
}

// BalanceTable is the table the built-in handlers keep their state in.
const BalanceTable = "balance"

// Balance adds the record's amount to the balance of its key, or subtracts
// it for a Withdrawn (or ItemRemoved) event: applying it twice counts twice.
func Balance(tx *Tx, r Record) {
	v, _ := tx.Get(BalanceTable, r.Key)
	switch r.Type {
	case "Withdrawn", "ItemRemoved":
		v -= r.Amount
	default:
		v += r.Amount
	}
	tx.Put(BalanceTable, r.Key, v)
}

// LastAmount stores the record's amount as the state of its key: applying
// it twice in a row changes nothing, but applying an old record after a
// newer one puts the old value back.
func LastAmount(tx *Tx, r Record) {
	tx.Put(BalanceTable, r.Key, r.Amount)
}

// tableHandler is a built-in handler whose state is a row of BalanceTable.
type tableHandler struct{ fn func(tx *Tx, r Record) }

// Handle implements Handler.
func (h tableHandler) Handle(tx *Tx, r Record) { h.fn(tx, r) }

// State implements Stater.
func (tableHandler) State(tx *Tx, key string) int64 {
	v, _ := tx.Get(BalanceTable, key)
	return v
}
