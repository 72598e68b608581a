package model

import (
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// SagaConcurrency is how an order saga guards the write of its state row
// against another event of the same saga handled at the same time.
type SagaConcurrency string

// Saga concurrency controls.
const (
	// SagaNone reads the saga's row when handling starts, decides, and
	// writes the new state when it ends, with no version check: two
	// events of one saga handled at once both write (a lost update, two
	// instances of one order, or an order both completed and compensated).
	SagaNone SagaConcurrency = "none"
	// SagaOptimistic writes the row only if its version is still the one
	// read, in the same transaction; on a conflict the member reloads the
	// row and handles the event again.
	SagaOptimistic SagaConcurrency = "optimistic"
)

// Tables an order saga keeps in its group's database, by correlation id.
const (
	// SagaTable holds each saga's state (see [SagaStates]).
	SagaTable = "saga"
	// SagaVersionTable holds the version of each saga's row: how many
	// writes it has had.
	SagaVersionTable = "saga-version"
)

// The states of an order saga, as stored in SagaTable.
const (
	sagaAbsent      int64 = iota // no instance
	sagaStarted                  // order placed, awaiting its payment
	sagaCompleted                // paid: the order is confirmed
	sagaCompensated              // timed out or failed: the order is cancelled
)

// SagaStates names the states of an order saga by their stored value.
var SagaStates = []string{"absent", history.SagaStateStarted, history.SagaStateCompleted, history.SagaStateCompensated}

// Event types of the order workload.
const (
	OrderPlaced      = "OrderPlaced"
	PaymentSucceeded = "PaymentSucceeded"
	PaymentTimedOut  = "PaymentTimedOut"
)

// OrderFlow makes a producer publish an order workload instead of random
// events: each publish places a new order (key "order-N"): OrderPlaced,
// then after Payment a PaymentSucceeded; or, with probability Timeouts,
// a PaymentTimedOut instead, followed after Late by a PaymentSucceeded
// that arrives too late. The follow-ups are published even after the
// producer's Stop, so every order's story is complete.
type OrderFlow struct {
	// PaymentMin and PaymentMax bound the time from OrderPlaced to its
	// payment outcome.
	PaymentMin, PaymentMax time.Duration
	// Timeouts is the probability that an order's payment times out.
	Timeouts sim.Ratio
	// LateMin and LateMax bound the time from PaymentTimedOut to the late
	// PaymentSucceeded.
	LateMin, LateMax time.Duration
}

// orderStep is a follow-up event of an order, published by its producer
// at a later time.
type orderStep struct {
	key, typ string
}

// OrderSaga is the built-in order saga (a process manager) by the name
// "order-saga". It keeps one row per correlation id (the record's key):
// any event for an unknown order starts an instance (load or create);
// OrderPlaced leaves a started saga as it is; PaymentSucceeded completes
// a started saga; PaymentTimedOut compensates it; a saga that has ended
// ignores every later event. A member handling it reads the row when it
// starts handling a record and writes it when it ends, guarded by the
// group's [SagaConcurrency]. Used as a plain [Handler], it reads and
// writes in one step.
type OrderSaga struct{}

// Handle implements Handler.
func (OrderSaga) Handle(tx *Tx, r Record) {
	row := loadSagaTx(tx, r.Key)
	to, start := sagaDecide(row.state, r.Type)
	if to != row.state || start {
		tx.Put(SagaTable, r.Key, to)
		tx.Put(SagaVersionTable, r.Key, row.version+1)
	}
}

// sagaRow is a saga's state and version as read.
type sagaRow struct {
	state, version int64
}

func loadSagaTx(tx *Tx, key string) sagaRow {
	s, _ := tx.Get(SagaTable, key)
	v, _ := tx.Get(SagaVersionTable, key)
	return sagaRow{s, v}
}

func loadSaga(db *DB, key string) sagaRow {
	s, _ := db.Get(SagaTable, key)
	v, _ := db.Get(SagaVersionTable, key)
	return sagaRow{s, v}
}

// sagaDecide returns the state an event moves a saga in state from to, and
// whether it starts a new instance.
func sagaDecide(from int64, typ string) (to int64, start bool) {
	switch from {
	case sagaAbsent:
		start, from = true, sagaStarted
	case sagaCompleted, sagaCompensated:
		return from, false
	}
	switch typ {
	case PaymentSucceeded:
		return sagaCompleted, start
	case PaymentTimedOut:
		return sagaCompensated, start
	}
	return from, start
}

// sagaStep handles r for the order saga in tx, deciding on the row read
// when handling started. It reports false on a version conflict
// (optimistic concurrency): nothing is written, the caller must reload
// and handle r again.
func (m *Member) sagaStep(w *sim.World, tx *Tx, r Record, read sagaRow, attempt int) bool {
	if m.cfg.Saga == SagaOptimistic {
		if cur := loadSagaTx(tx, r.Key); cur.version != read.version {
			rec := m.record(w, history.SagaConflict, r, attempt)
			rec.Basis, rec.Version = read.version, cur.version
			m.hist.Add(rec)
			return false
		}
	}
	to, start := sagaDecide(read.state, r.Type)
	if to == read.state && !start {
		return true
	}
	v := read.version + 1
	tx.Put(SagaTable, r.Key, to)
	tx.Put(SagaVersionTable, r.Key, v)
	from := read.state
	if start {
		rec := m.record(w, history.SagaStart, r, attempt)
		rec.To, rec.Version, rec.Basis = SagaStates[sagaStarted], v, read.version
		m.hist.Add(rec)
		from = sagaStarted
	}
	if to != from {
		rec := m.record(w, history.SagaTransition, r, attempt)
		rec.From, rec.To, rec.Version, rec.Basis = SagaStates[from], SagaStates[to], v, read.version
		m.hist.Add(rec)
	}
	switch to {
	case sagaCompleted:
		rec := m.record(w, history.SagaCompleted, r, attempt)
		rec.Version = v
		m.hist.Add(rec)
	case sagaCompensated:
		rec := m.record(w, history.SagaCompensated, r, attempt)
		rec.Version = v
		m.hist.Add(rec)
	}
	return true
}
