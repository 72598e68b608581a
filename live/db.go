package live

import (
	"sync"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
)

// db is a consumer group's database, in memory and shared by its members:
// the balance of each key and, with dedup same-tx, the ids of the events
// processed. One transaction holds the lock: the effect and the processed
// id commit together, and the recorder sees the effect as it commits.
type db struct {
	mu        sync.Mutex
	dedup     model.Dedup
	balance   map[string]int64
	processed map[string]bool
}

func newDB(d model.Dedup) *db {
	return &db{dedup: d, balance: map[string]int64{}, processed: map[string]bool{}}
}

// apply runs the balance handler's transaction for the delivery d and
// records its effect, or its dedup when the id is already processed.
func (b *db) apply(rc *recorder, d history.Entry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dedup == model.DedupSameTx && b.processed[d.Event] {
		d.Kind = history.Dedup
		rc.add(d)
		return
	}
	b.balance[d.Key] += d.Amount
	if b.dedup == model.DedupSameTx {
		b.processed[d.Event] = true
	}
	d.Kind, d.Value = history.Effect, b.balance[d.Key]
	rc.add(d)
}
