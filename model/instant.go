package model

import (
	"sync/atomic"

	"github.com/evsim/evsim/sim"
)

// instantOff keeps every batch off [Member.runInstant]. A test sets it to
// compare runs with and without the instant path, which must record the
// same history; nothing else does.
var instantOff bool

// instantBatches counts the batches [Member.runInstant] handled, in every
// run of the process: a test reads it to tell that the path ran.
var instantBatches atomic.Int64

// instant reports whether the batch in hand may go through
// [Member.runInstant]. It is decided once per batch: every record must
// finish inside its own delivery, in order, at its first attempt, so the
// member takes no processing time and no stall, keeps no dedup step of
// its own, fences no writes, draws no failures, has no poison record in
// the batch, runs a plain handler, and is no consume-transform-produce
// loop.
func (m *Member) instant() bool {
	c := &m.cfg
	if instantOff || m.out != nil || m.sys.stall != nil || c.ProcessingMin != 0 || c.ProcessingMax != 0 ||
		c.Concurrency < 1 || c.Ordering == OrderKey || c.Dedup != DedupNone || c.Fencing == FenceWrites || c.Failures.Num > 0 {
		return false
	}
	if _, plain := m.run.(plainHandling); !plain {
		return false
	}
	for i := range m.batch {
		if m.batch[i].Poison {
			return false
		}
	}
	return true
}

// runInstant handles the batch in hand when [Member.instant] says every
// record finishes inside its own delivery. It is [Member.startWork] with
// what such a batch never needs taken out: it records the same records
// in the same order (deliver; the policy's commit before handling; the
// effect, or the dedup of a handler that skipped; the policy's commit
// after), passes the same crash points, and ends the batch with the same
// poll, but keeps no account of records in flight.
func (m *Member) runInstant(w *sim.World) {
	instantBatches.Add(1)
	for i := range m.batch {
		r := &m.batch[i]
		attempt, gen := m.src.attempt(m, i)
		m.sys.Deliveries++
		m.put(w, &m.deliverStamp, codeDeliver, r, attempt, gen, 0)
		m.commit.beforeHandle(m, w, r)
		crashPoint(w, m.id, PointBeforeEffect)
		tx := m.db.Begin()
		done := m.run.handle(m, w, tx, i, 1) == applied
		var value int64
		if done {
			if m.stater != nil {
				value = m.stater.State(tx, r.Key)
			}
			tx.Commit()
		}
		// ended before the crash point, so that a crash there leaves
		// the database its transaction to reuse, as apply's defer does
		m.db.end(tx)
		if done {
			m.put(w, &m.effectStamp, codeEffect, r, 1, m.generation(), value)
			crashPoint(w, m.id, PointAfterEffect)
		}
		if m.bpart >= 0 {
			m.handled[m.bpart] = max(m.handled[m.bpart], r.Offset+1)
			m.maxDone = max(m.maxDone, r.Offset+1)
		}
		m.commit.finished(m, w, r)
	}
	m.spare, m.batch = m.batch[:0], nil
	m.poll(w)
}
