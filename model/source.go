package model

import (
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// source is how a member takes its records, one value per [Style],
// chosen when the member is built: [logSource] for a log subscription
// (the group assigns partitions, the member fetches them in order and
// commits offsets), [queueSource] for a queue subscription (any member
// takes any message and acknowledges each).
type source interface {
	// start starts consuming: join the group, or fetch at once.
	start(m *Member, w *sim.World)
	// grouped reports whether the member has a membership in its group
	// (it joins, is assigned partitions, rebalances and leaves).
	grouped() bool
	// ready reports whether the member has anything to fetch from.
	ready(m *Member) bool
	// take accepts a fetched batch before it is handled; false drops it
	// (a partition no longer assigned).
	take(m *Member, w *sim.World, r *recordsMsg) bool
	// attempt returns the delivery count of batch record i and the
	// member's generation.
	attempt(m *Member, i int) (attempt, generation int)
	// fenced reports whether a newer generation owns r's partition: the
	// effect must not be written (fencing writes).
	fenced(m *Member, tx *Tx, r *Record) bool
	// ack commits the offset after r, or acknowledges r.
	ack(m *Member, w *sim.World, r *Record)
}

func sourceOf(s Style) source {
	if s == StyleQueue {
		return queueSource{}
	}
	return logSource{}
}

// logSource consumes a log subscription.
type logSource struct{}

func (logSource) start(m *Member, w *sim.World) {
	m.hbChain++
	w.After(m.id, sim.Time(m.cfg.HeartbeatInterval), kindHeartbeatTick, 0, m.hbChain, nil)
	m.join(w)
}

func (logSource) grouped() bool { return true }

// ready: with nothing assigned, the member waits for the next rebalance.
func (logSource) ready(m *Member) bool { return len(m.parts) > 0 }

func (logSource) take(m *Member, w *sim.World, r *recordsMsg) bool {
	m.bpart = -1
	for j, p := range m.parts {
		if p == r.partition {
			m.bpart = j
		}
	}
	if m.bpart < 0 {
		return false
	}
	j := m.bpart
	// Count is the span of offsets the poll covers: with transactions,
	// markers and aborted records a read-committed member skips lie
	// between the records it gets.
	last := r.records[len(r.records)-1].Offset
	m.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Poll, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.g.topic.name, Partition: r.partition, Offset: r.from, Count: int(last - r.from + 1), Generation: m.ref.generation})
	m.pos[j] = r.next
	m.handled[j] = max(m.handled[j], r.from)
	// the group's delivery counts cover the batch from here on (they
	// only grow), so that attempt counts each record with no test
	m.g.attempts[r.partition] = extend(m.g.attempts[r.partition], int(last)+1)
	if !m.cfg.WorkerThread {
		m.batchSeq++
		w.After(m.id, sim.Time(m.cfg.MaxPollInterval), kindPollTimeout, 0, m.batchSeq, nil)
	}
	return true
}

// attempt counts the deliveries of each offset in the group, in the
// counts take extended over the batch.
func (logSource) attempt(m *Member, i int) (int, int) {
	r := &m.batch[i]
	att := m.g.attempts[r.Partition]
	att[r.Offset]++
	return int(att[r.Offset]), m.ref.generation
}

func (logSource) fenced(m *Member, tx *Tx, r *Record) bool {
	cur, _ := tx.Get(FenceTable, m.g.fenceKeys[r.Partition])
	return cur > int64(m.ref.generation)
}

func (logSource) ack(m *Member, w *sim.World, r *Record) { m.commitOffset(w, m.bpart, r.Offset+1) }

// queueSource consumes a queue subscription.
type queueSource struct{}

func (queueSource) start(m *Member, w *sim.World) {
	m.phase = phaseActive
	m.ref = &memberRef{group: m.g, member: m.id, name: m.name, hname: &m.hname}
	m.poll(w)
}

func (queueSource) grouped() bool { return false }

func (queueSource) ready(*Member) bool { return true }

func (queueSource) take(m *Member, _ *sim.World, _ *recordsMsg) bool {
	m.bpart = -1
	return true
}

// attempt is the broker's delivery count of the message.
func (queueSource) attempt(m *Member, i int) (int, int) { return m.attempts[i], 0 }

func (queueSource) fenced(*Member, *Tx, *Record) bool { return false }

func (queueSource) ack(m *Member, w *sim.World, r *Record) {
	crashPoint(w, m.id, PointBeforeCommit)
	w.Send(m.id, m.broker, kindQueueAck, int64(r.Partition), r.Offset, m.ref)
	crashPoint(w, m.id, PointAfterCommit)
}
