package live

import (
	"cmp"
	"sync"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
)

// db is a consumer group's database, in memory and shared by its members:
// the state of each key (a row of the handler's table) and, with dedup
// same-tx, the ids of the events processed. One transaction holds the
// lock: the effect and the processed id commit together, and the recorder
// sees the effect as it commits.
type db struct {
	mu        sync.Mutex
	dedup     model.Dedup
	handler   string
	balance   map[string]int64
	processed map[string]bool
}

// The built-in handlers a live member runs, as the simulation's
// model.Handlers of the same names do.
const (
	handlerBalance    = "balance"
	handlerLastAmount = "last-amount"
)

// Handlers lists the handlers a live member runs.
var Handlers = []string{handlerBalance, handlerLastAmount}

func newDB(d model.Dedup, handler string) *db {
	return &db{dedup: d, handler: cmp.Or(handler, handlerBalance), balance: map[string]int64{}, processed: map[string]bool{}}
}

// apply runs the handler's transaction for the delivery d and records its
// effect, or its dedup when the id is already processed. The balance
// handler adds the amount to its key's balance (subtracts it for a
// Withdrawn or ItemRemoved event); last-amount stores the amount as its
// key's state.
func (b *db) apply(rc *recorder, d history.Entry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dedup == model.DedupSameTx && b.processed[d.Event] {
		d.Kind = history.Dedup
		rc.add(d)
		return
	}
	switch {
	case b.handler == handlerLastAmount:
		b.balance[d.Key] = d.Amount
	case d.Type == "Withdrawn" || d.Type == "ItemRemoved":
		b.balance[d.Key] -= d.Amount
	default:
		b.balance[d.Key] += d.Amount
	}
	if b.dedup == model.DedupSameTx {
		b.processed[d.Event] = true
	}
	d.Kind, d.Value = history.Effect, b.balance[d.Key]
	rc.add(d)
}
