package model

import (
	"strconv"
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

// SagaState is the state of a saga instance, as stored in SagaTable.
// The first four are the states the saga checks know; a user's [Saga]
// may add its own from 4 up (recorded as "state-N").
type SagaState int64

// The saga states.
const (
	// SagaAbsent: no instance (the zero value of a missing row).
	SagaAbsent SagaState = iota
	// SagaStarted: the state an instance starts in.
	SagaStarted
	// SagaCompleted: an end state, the saga's goal reached (for the order
	// saga: paid, the order confirmed).
	SagaCompleted
	// SagaCompensated: an end state, the saga's steps undone (for the
	// order saga: timed out, the order cancelled).
	SagaCompensated
)

// String names s as the history records it.
func (s SagaState) String() string {
	switch s {
	case SagaAbsent:
		return "absent"
	case SagaStarted:
		return history.SagaStateStarted
	case SagaCompleted:
		return history.SagaStateCompleted
	case SagaCompensated:
		return history.SagaStateCompensated
	}
	return "state-" + strconv.FormatInt(int64(s), 10)
}

// Saga is implemented by a handler that is a process manager: it keeps
// one instance per correlation id (the record's key), its state in
// SagaTable and its version (how many writes it had) in
// SagaVersionTable. A member whose handler is a Saga does not call
// Handle: it reads the instance when it starts handling a record, decides
// with Decide on what it read when handling ends, and writes the new
// state, guarded by its group's [SagaConcurrency] (with SagaOptimistic, a
// version moved since the read is a conflict: the member reads again and
// decides again). It records the start of an instance, each transition,
// and the end states SagaCompleted and SagaCompensated, which the saga
// checks judge. Handle is used when the saga runs as a plain [Handler]:
// [HandleSaga] does that in one step.
type Saga interface {
	Handler
	// Decide returns the state that record r moves an instance in state
	// from to, and whether r starts the instance (from is SagaAbsent): a
	// started instance is first in SagaStarted, then moves to to. It must
	// be deterministic.
	Decide(from SagaState, r Record) (to SagaState, start bool)
}

// HandleSaga applies r to s's instance in one step: read, decide, write.
func HandleSaga(s Saga, tx *Tx, r Record) {
	row := loadSagaTx(tx, r.Key)
	to, start := s.Decide(row.state, r)
	if to != row.state || start {
		tx.Put(SagaTable, r.Key, int64(to))
		tx.Put(SagaVersionTable, r.Key, row.version+1)
	}
}

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
// "order-saga", a [Saga]: any event for an unknown order starts an
// instance (load or create); OrderPlaced leaves a started saga as it is;
// PaymentSucceeded completes a started saga; PaymentTimedOut compensates
// it; a saga that has ended ignores every later event.
type OrderSaga struct{}

// Handle implements Handler.
func (o OrderSaga) Handle(tx *Tx, r Record) { HandleSaga(o, tx, r) }

// Decide implements Saga.
func (OrderSaga) Decide(from SagaState, r Record) (to SagaState, start bool) {
	switch from {
	case SagaAbsent:
		start, from = true, SagaStarted
	case SagaCompleted, SagaCompensated:
		return from, false
	}
	switch r.Type {
	case PaymentSucceeded:
		return SagaCompleted, start
	case PaymentTimedOut:
		return SagaCompensated, start
	}
	return from, start
}

// sagaRow is a saga's state and version as read.
type sagaRow struct {
	state   SagaState
	version int64
}

func loadSagaTx(tx *Tx, key string) sagaRow {
	s, _ := tx.Get(SagaTable, key)
	v, _ := tx.Get(SagaVersionTable, key)
	return sagaRow{SagaState(s), v}
}

func loadSaga(db *DB, key string) sagaRow {
	s, _ := db.Get(SagaTable, key)
	v, _ := db.Get(SagaVersionTable, key)
	return sagaRow{SagaState(s), v}
}
