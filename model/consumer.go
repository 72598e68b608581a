package model

import (
	"fmt"
	"math/rand/v2"

	"evsim/model/history"
	"evsim/sim"
)

// Crash points of a consumer, in the order a record meets them under
// after-handle commits.
const (
	PointBeforeEffect = "before-effect"
	PointAfterEffect  = "after-effect"
	PointBeforeCommit = "before-commit"
	PointAfterCommit  = "after-commit"
)

// CrashPoints lists every crash point of a consumer.
var CrashPoints = []string{PointBeforeEffect, PointAfterEffect, PointBeforeCommit, PointAfterCommit}

// ProcessedTable is the table where same-tx dedup records processed ids.
const ProcessedTable = "processed"

// Member is one member of a consumer group: a poll loop over the partitions
// assigned to it, a handler applied in database transactions, a commit
// policy and a dedup strategy. Its position and the batch in hand are
// volatile; the database and the committed offsets are durable.
type Member struct {
	id      sim.NodeID
	name    string
	index   int
	cfg     ConsumerConfig
	handler Handler
	group   *group
	broker  sim.NodeID
	db      *DB
	hist    *history.History
	rng     *rand.Rand

	// volatile state, dropped by a crash
	joined     bool
	partitions []int
	pos        []int64
	next       int
	batch      []Record
	at         int
}

// Handle implements sim.Node.
func (m *Member) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindAssign:
		a := ev.Msg.(*assignMsg)
		m.joined, m.partitions, m.pos, m.next = true, a.partitions, a.committed, 0
		m.poll(w)
	case kindPoll:
		m.poll(w)
	case kindRecords:
		r := ev.Msg.(*recordsMsg)
		if len(r.records) == 0 {
			w.After(m.id, sim.Time(m.cfg.PollInterval), kindPoll, 0, 0, nil)
			return
		}
		m.batch, m.at = r.records, 0
		m.startRecord(w)
	case kindProcessed:
		m.process(w, m.batch[m.at])
		m.at++
		if m.at < len(m.batch) {
			m.startRecord(w)
			return
		}
		m.batch = nil
		m.poll(w)
	default:
		panic(fmt.Sprintf("model: member %s got unknown event kind %d", m.name, ev.Kind))
	}
}

// poll fetches from the next assigned partition, round robin.
func (m *Member) poll(w *sim.World) {
	if len(m.partitions) == 0 {
		return
	}
	i := m.next % len(m.partitions)
	m.next++
	w.Send(m.id, m.broker, kindFetch, int64(m.partitions[i]), m.pos[i],
		&fetchMsg{group: m.group, member: m.id, max: m.cfg.Batch})
}

// startRecord records the delivery of the next record of the batch and
// waits for its processing time.
func (m *Member) startRecord(w *sim.World) {
	r := m.batch[m.at]
	att := m.group.attempts[r.Partition]
	for int64(len(att)) <= r.Offset {
		att = append(att, 0)
	}
	att[r.Offset]++
	m.group.attempts[r.Partition] = att
	m.hist.Add(history.Record{At: int64(w.Now()), Kind: history.Deliver, Node: m.name, Group: m.cfg.Group,
		Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Event: r.ID, Key: r.Key, Type: r.Type,
		Amount: r.Amount, Attempt: int(att[r.Offset])})
	d := m.cfg.ProcessingMin
	if span := m.cfg.ProcessingMax - m.cfg.ProcessingMin; span > 0 {
		d += sim.Time(m.rng.Int64N(int64(span) + 1)).Duration()
	}
	w.After(m.id, sim.Time(d), kindProcessed, 0, 0, nil)
}

// process handles one record under the commit policy.
func (m *Member) process(w *sim.World, r Record) {
	switch m.cfg.Commit {
	case CommitBeforeHandle:
		m.commit(w, r)
		m.effect(w, r)
	default:
		m.effect(w, r)
		m.commit(w, r)
	}
	for i, p := range m.partitions {
		if p == r.Partition {
			m.pos[i] = r.Offset + 1
		}
	}
}

// effect applies the handler in one transaction, with the dedup strategy.
func (m *Member) effect(w *sim.World, r Record) {
	w.CrashPoint(m.id, PointBeforeEffect)
	tx := m.db.Begin()
	if m.cfg.Dedup == DedupSameTx {
		if _, seen := tx.Get(ProcessedTable, r.ID); seen {
			m.hist.Add(m.record(w, history.Dedup, r))
			w.CrashPoint(m.id, PointAfterEffect)
			return
		}
		tx.Put(ProcessedTable, r.ID, 1)
	}
	m.handler.Handle(tx, r)
	tx.Commit()
	m.hist.Add(m.record(w, history.Effect, r))
	w.CrashPoint(m.id, PointAfterEffect)
}

// commit sends the offset after r to the broker.
func (m *Member) commit(w *sim.World, r Record) {
	w.CrashPoint(m.id, PointBeforeCommit)
	w.Send(m.id, m.broker, kindCommit, int64(r.Partition), r.Offset+1, &commitMsg{group: m.group, member: m.id})
	w.CrashPoint(m.id, PointAfterCommit)
}

func (m *Member) record(w *sim.World, k history.Kind, r Record) history.Record {
	return history.Record{At: int64(w.Now()), Kind: k, Node: m.name, Group: m.cfg.Group, Topic: r.Topic,
		Partition: r.Partition, Offset: r.Offset, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount}
}

// join asks the broker for this member's partitions and their committed offsets.
func (m *Member) join(w *sim.World) {
	w.Send(m.id, m.broker, kindJoin, int64(m.index), 0, m.group)
}

// Crash implements sim.Crasher: the position and the batch in hand are lost.
func (m *Member) Crash(w *sim.World, point string) {
	m.hist.Add(history.Record{At: int64(w.Now()), Kind: history.Crash, Node: m.name, Group: m.cfg.Group, Point: point})
	m.joined, m.partitions, m.pos, m.next, m.batch, m.at = false, nil, nil, 0, nil, 0
}

// Restart implements sim.Restarter: the member rejoins and resumes from the
// committed offsets.
func (m *Member) Restart(w *sim.World) {
	m.hist.Add(history.Record{At: int64(w.Now()), Kind: history.Restart, Node: m.name, Group: m.cfg.Group})
	m.join(w)
}
