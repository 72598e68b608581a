package model

// Record is one record of a partition log, as a consumer sees it.
type Record struct {
	ID        string
	Key       string
	Type      string
	Amount    int64
	Topic     string
	Partition int
	Offset    int64
}

// Handler applies a record's effect inside a database transaction. It must
// be deterministic: it may read and write only through tx. The consumer
// commits the transaction when Handle returns.
type Handler interface {
	Handle(tx *Tx, r Record)
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(tx *Tx, r Record)

// Handle implements Handler.
func (f HandlerFunc) Handle(tx *Tx, r Record) { f(tx, r) }

// Handlers are the built-in handlers by name.
var Handlers = map[string]Handler{
	"balance": HandlerFunc(Balance),
}

// BalanceTable is the table the balance handler keeps balances in.
const BalanceTable = "balance"

// Balance adds the record's amount to the balance of its key.
func Balance(tx *Tx, r Record) {
	v, _ := tx.Get(BalanceTable, r.Key)
	tx.Put(BalanceTable, r.Key, v+r.Amount)
}
