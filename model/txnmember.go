package model

import (
	"strconv"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// A member with an output topic runs a consume-transform-produce loop,
// as Kafka Streams' exactly-once (KIP-98's design, one transactional id
// per input partition) does: when it is assigned a partition it calls
// InitProducerId for the partition's transactional id, fencing the
// partition's previous owner and aborting its ongoing transaction; for
// each record of a batch it runs its handler (the external write, none
// with handler none) and writes one output record in the batch's
// transaction; when the batch is done it sends the consumer position to
// the transaction (sendOffsetsToTransaction, fenced by the group
// generation as KIP-447 does) and commits it. With the group's fencing
// none (a what-if), InitProducerId fences nothing: each owner gets a
// producer id of its own.

// txnID returns the transactional id of input partition p.
func (m *Member) txnID(p int) string { return m.cfg.TransactionalID + "-" + strconv.Itoa(p) }

// txnAssign initialises the transactional id of every assigned partition.
func (m *Member) txnAssign(w *sim.World) {
	if m.out == nil {
		return
	}
	b := m.sys.Broker
	m.txs = make([]*txnSession, len(m.parts))
	for j, p := range m.parts {
		m.txs[j] = b.txnInit(w, m.txnID(p), m.name, m.cfg.Fencing != FenceNone, sim.Time(DefaultTransactionTimeout))
	}
}

// txnOutput writes the output record of input r in the batch's
// transaction. It reports false when the member was fenced.
func (m *Member) txnOutput(w *sim.World, r *Record) bool {
	out := Record{ID: m.cfg.Service + ":" + r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount, Topic: m.out.name}
	p := KeyPartition(r.Key, len(m.out.partitions))
	pub := history.Entry{At: int64(w.Now()), Kind: history.Publish, Node: m.name, Service: m.service, Group: m.g.name,
		Topic: m.out.name, Partition: p, Event: out.ID, Key: out.Key, Type: out.Type, Amount: out.Amount, Input: r.ID}
	m.hist.Put(&pub)
	return m.sys.Broker.txnProduce(w, m.txs[m.bpart], m.out, p, out, pub)
}

// txnCommit sends the batch partition's position to the transaction and
// commits it. It reports false when the member was fenced (by its
// producer epoch or its generation); the transaction is then aborted or
// already is.
func (m *Member) txnCommit(w *sim.World) bool {
	j := m.bpart
	s := m.txs[j]
	b := m.sys.Broker
	w.CrashPoint(m.id, string(PointBeforeCommit))
	if !b.txnOffsets(w, s, m.g, m.ref, m.parts[j], m.pos[j]) {
		b.txnEnd(w, s, false)
		return false
	}
	if !b.txnEnd(w, s, true) {
		return false
	}
	m.committed[j] = m.pos[j]
	w.CrashPoint(m.id, string(PointAfterCommit))
	return true
}

// txnFenced drops the batch and the member's transactional ids after a
// fence, and rejoins the group: a new assignment initialises them again.
func (m *Member) txnFenced(w *sim.World) {
	m.abandon()
	m.txs = nil
	m.rejoin = true
	m.poll(w)
}
