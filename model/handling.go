package model

import (
	"fmt"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// handling is how a member runs its handler on a record, chosen once
// when the member is built: [plainHandling] for a [Handler], [sagaHandling]
// for a handler that is a [Saga].
type handling interface {
	// read is called when batch record i is delivered, and again before
	// it is handled anew after a conflict.
	read(m *Member, i int)
	// handle runs the handler on batch record i in tx (attempt counts
	// from 1). It records a dedup itself; the caller records an effect
	// when it returns applied.
	handle(m *Member, w *sim.World, tx *Tx, i, attempt int) outcome
}

// handlingOf returns the handling of h.
func handlingOf(h Handler) handling {
	if h == nil {
		return noHandling{}
	}
	if s, ok := h.(Saga); ok {
		return sagaHandling{s}
	}
	if t, ok := h.(tableHandler); ok {
		return plainHandling{h: h, fn: t.fn}
	}
	return plainHandling{h: h}
}

// noHandling is the handling of a consume-transform-produce loop that
// writes nothing outside Kafka (handler: none): a record is applied as
// soon as it is handled, with no transaction of the member's own.
type noHandling struct{}

func (noHandling) read(*Member, int) {}

func (noHandling) handle(*Member, *sim.World, *Tx, int, int) outcome { return applied }

// plainHandling runs a [Handler] in one step, inside the effect's
// transaction. A handler that calls [Tx.Skip] has its writes discarded
// and a dedup recorded.
type plainHandling struct {
	h Handler
	// fn is a built-in handler's function, called straight on the
	// batch's record in place (nil: call h with a copy)
	fn func(tx *Tx, r *Record)
}

func (plainHandling) read(*Member, int) {}

func (p plainHandling) handle(m *Member, w *sim.World, tx *Tx, i, attempt int) outcome {
	r := &m.batch[i]
	if p.fn != nil {
		p.fn(tx, r)
	} else {
		callHandler(p.h, m, w, tx, r)
	}
	if tx.Skipped() {
		m.hist.Add(m.record(w, history.Dedup, r, attempt))
		crashPoint(w, m.id, PointAfterEffect)
		return deduped
	}
	return applied
}

// callHandler runs a user's handler on r. A panic in it is a bug of the
// handler, which ends the run: it goes on as an error that names the
// member, the record and the simulated time, wrapping what the handler
// panicked with (the stack still shows the handler's frames).
func callHandler(h Handler, m *Member, w *sim.World, tx *Tx, r *Record) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		where := fmt.Sprintf("model: the handler of %s panicked on record %s (%s %d to %s, %s/%d offset %d) at +%v",
			m.name, r.ID, r.Type, r.Amount, r.Key, r.Topic, r.Partition, r.Offset, time.Duration(w.Now()))
		if err, ok := v.(error); ok {
			panic(fmt.Errorf("%s: %w", where, err))
		}
		panic(fmt.Errorf("%s: %v", where, v))
	}()
	h.Handle(tx, *r)
}

// sagaHandling runs a [Saga]: the instance is read when a record is
// delivered, and the decision on what was read is written when handling
// ends, guarded by the group's [SagaConcurrency].
type sagaHandling struct{ s Saga }

func (sagaHandling) read(m *Member, i int) {
	m.loaded = grow(m.loaded, len(m.batch))
	m.loaded[i] = loadSaga(m.db, m.batch[i].Key)
}

// handle decides on the row read at delivery and writes the new state. It
// reports a conflict, writing nothing, when optimistic concurrency finds
// the row's version moved since the read: the member reads again and
// handles the record anew.
func (h sagaHandling) handle(m *Member, w *sim.World, tx *Tx, i, attempt int) outcome {
	r, read := &m.batch[i], m.loaded[i]
	if m.cfg.Saga == SagaOptimistic {
		if cur := loadSagaTx(tx, r.Key); cur.version != read.version {
			rec := m.record(w, history.SagaConflict, r, attempt)
			rec.Basis, rec.Version = read.version, cur.version
			m.hist.Put(&rec)
			return conflict
		}
	}
	to, start := h.s.Decide(read.state, *r)
	if to == read.state && !start {
		return applied
	}
	v := read.version + 1
	tx.Put(SagaTable, r.Key, int64(to))
	tx.Put(SagaVersionTable, r.Key, v)
	from := read.state
	if start {
		rec := m.record(w, history.SagaStart, r, attempt)
		rec.To, rec.Version, rec.Basis = SagaStarted.String(), v, read.version
		m.hist.Put(&rec)
		from = SagaStarted
	}
	if to != from {
		rec := m.record(w, history.SagaTransition, r, attempt)
		rec.From, rec.To, rec.Version, rec.Basis = from.String(), to.String(), v, read.version
		m.hist.Put(&rec)
	}
	switch to {
	case SagaCompleted:
		rec := m.record(w, history.SagaCompleted, r, attempt)
		rec.Version = v
		m.hist.Put(&rec)
	case SagaCompensated:
		rec := m.record(w, history.SagaCompensated, r, attempt)
		rec.Version = v
		m.hist.Put(&rec)
	}
	return applied
}

// grow returns s with at least n elements, keeping the first ones.
func grow[T any](s []T, n int) []T {
	if len(s) < n {
		s = append(s, make([]T, n-len(s))...)
	}
	return s
}
