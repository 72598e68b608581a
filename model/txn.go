package model

import (
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Control markers, in a record's control field: the records a
// transaction coordinator writes to each partition a transaction wrote,
// as Kafka's COMMIT and ABORT control batches. Consumers never hand them
// to the application.
const (
	controlCommit uint8 = 1
	controlAbort  uint8 = 2
)

// txnCoordinator is the broker's transaction coordinator (KIP-98): one
// state per transactional id, kept in creation order so that every scan
// is deterministic. Its calls are modelled as instantaneous, as
// InitProducerId is; the broker never fails, so neither does it.
type txnCoordinator struct {
	states []*txnState
	byID   map[string]*txnState
}

// txnState is what the coordinator keeps for one transactional id: the
// producer id, the current epoch, and the ongoing transaction.
type txnState struct {
	idx   int
	id    string
	pid   int64
	epoch int
	// node is the producer that holds the current epoch.
	node    string
	open    bool
	timeout sim.Time
	chain   int64 // numbers the timeout timers; a stale one does nothing
	parts   []txnPart
	offsets []txnOffset
	// acks are the PublishAck records the producer gets when the
	// transaction commits (a transactional record is acknowledged by the
	// commit: commitTransaction returns).
	acks []history.Entry
}

// txnPart is a partition the ongoing transaction wrote, and the offsets
// of its records there.
type txnPart struct {
	t    *topic
	p    int
	offs []int64
}

// txnOffset is a consumer offset sent to the ongoing transaction
// (sendOffsetsToTransaction): committed with it, dropped if it aborts.
type txnOffset struct {
	g   *group
	ref *memberRef
	p   int
	off int64
}

// txnSession is one producer instance's hold on a transactional id: the
// state and the epoch InitProducerId gave it. It is fenced once the
// state's epoch moved past its own.
type txnSession struct {
	st    *txnState
	epoch int
	node  string
}

// rec builds a record about st's transaction.
func (st *txnState) rec(now sim.Time, k history.Kind, node string, epoch int) history.Entry {
	return history.Entry{At: int64(now), Kind: k, Node: node, TxnID: st.id, ProducerID: st.pid, Epoch: epoch}
}

// txnInit is InitProducerId for transactional id id by producer node.
// With fence (Kafka's only behaviour) an existing id keeps its producer
// id and gets the next epoch: the coordinator first aborts the ongoing
// transaction of the older instance, which is fenced from then on.
// Without it (a what-if), every instance gets a producer id of its own
// and nothing is fenced or aborted.
func (b *Broker) txnInit(w *sim.World, id, node string, fence bool, timeout sim.Time) *txnSession {
	c := &b.txn
	st := c.byID[id]
	if st == nil || !fence {
		st = &txnState{idx: len(c.states), id: id, pid: b.newProducerID()}
		c.states = append(c.states, st)
		if c.byID == nil {
			c.byID = map[string]*txnState{}
		}
		c.byID[id] = st
	} else {
		st.epoch++
		if st.open {
			b.txnFinish(w, st, false, node)
		}
	}
	st.node, st.timeout = node, timeout
	b.hist.Add(st.rec(w.Now(), history.TxnInit, node, st.epoch))
	return &txnSession{st: st, epoch: st.epoch, node: node}
}

// fenced reports whether s's instance was fenced, recording the refusal
// of its request (for event, if any).
func (b *Broker) fenced(w *sim.World, s *txnSession, event string) bool {
	if s.epoch == s.st.epoch {
		return false
	}
	r := s.st.rec(w.Now(), history.ProducerFenced, s.node, s.epoch)
	r.Event = event
	b.hist.Put(&r)
	return true
}

// begin starts s's transaction at the coordinator if none is ongoing.
func (b *Broker) begin(w *sim.World, s *txnSession) {
	st := s.st
	if st.open {
		return
	}
	st.open = true
	st.chain++
	b.hist.Add(st.rec(w.Now(), history.TxnBegin, s.node, s.epoch))
	w.After(b.id, st.timeout, kindTxnTimeout, int64(st.idx), st.chain, nil)
}

// txnProduce appends rec to partition p of t in s's transaction and
// records the append (pub carries the record's Event, Key, Type, Amount
// and, for a loop's output, Input, Group and Service). It reports false,
// appending nothing, when s is fenced.
func (b *Broker) txnProduce(w *sim.World, s *txnSession, t *topic, p int, rec Record, pub history.Entry) bool {
	if b.fenced(w, s, rec.ID) {
		return false
	}
	b.begin(w, s)
	st := s.st
	_, off := b.append(w.Now(), t, p, []Record{rec}, 0, 0, 0)
	t.txn = true
	k := -1
	for i, tp := range st.parts {
		if tp.t == t && tp.p == p {
			k = i
		}
	}
	if k < 0 {
		k = len(st.parts)
		st.parts = append(st.parts, txnPart{t: t, p: p})
	}
	st.parts[k].offs = append(st.parts[k].offs, off)
	pub.At, pub.Topic, pub.Partition, pub.Offset, pub.ProducerID, pub.Epoch = int64(w.Now()), t.name, p, off, st.pid, s.epoch
	app := pub
	app.Kind, app.Node = history.Append, "broker"
	b.hist.Put(&app)
	ack := pub
	ack.Kind = history.PublishAck
	st.acks = append(st.acks, ack)
	return true
}

// txnOffsets adds the offset off of partition p, consumed by member ref
// of group g, to s's transaction (TxnOffsetCommit). With the group's
// fencing on, the group coordinator refuses offsets of a member that is
// no longer in the group or of an old generation (KIP-447), as it does a
// plain commit. It reports whether the offsets were taken.
func (b *Broker) txnOffsets(w *sim.World, s *txnSession, g *group, ref *memberRef, p int, off int64) bool {
	if b.fenced(w, s, "") {
		return false
	}
	if g.cfg.Fencing != FenceNone && (g.member(ref.memberID) == nil || ref.generation != g.generation) {
		b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.CommitFenced, Node: ref.name, Group: g.name,
			Topic: g.topic.name, Partition: p, Offset: off, Generation: ref.generation})
		return false
	}
	b.begin(w, s)
	s.st.offsets = append(s.st.offsets, txnOffset{g: g, ref: ref, p: p, off: off})
	return true
}

// txnEnd commits or aborts s's transaction (EndTxn). It reports false
// when s is fenced (the transaction then stays as the coordinator has
// it: aborted already, or owned by the newer instance).
func (b *Broker) txnEnd(w *sim.World, s *txnSession, commit bool) bool {
	if b.fenced(w, s, "") {
		return false
	}
	if s.st.open {
		b.txnFinish(w, s.st, commit, s.node)
	}
	return true
}

// txnFinish writes st's markers: a control record in each partition the
// transaction wrote, recorded as TxnCommit or TxnAbort. An abort marks
// the transaction's records aborted; a commit stores the offsets sent to
// it and acknowledges its records.
func (b *Broker) txnFinish(w *sim.World, st *txnState, commit bool, node string) {
	kind, ctl := history.TxnAbort, controlAbort
	if commit {
		kind, ctl = history.TxnCommit, controlCommit
	}
	for _, tp := range st.parts {
		pl := &tp.t.partitions[tp.p]
		if !commit {
			for _, o := range tp.offs {
				pl.records[o].aborted = true
			}
		}
		_, off := b.append(w.Now(), tp.t, tp.p, []Record{{control: ctl}}, 0, 0, 0)
		r := st.rec(w.Now(), kind, node, st.epoch)
		r.Topic, r.Partition, r.Offset = tp.t.name, tp.p, off
		b.hist.Put(&r)
	}
	if len(st.parts) == 0 {
		b.hist.Add(st.rec(w.Now(), kind, node, st.epoch))
	}
	if commit {
		for _, o := range st.offsets {
			o.g.committed[o.p] = o.off
			b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.OffsetCommit, Node: o.ref.name, Group: o.g.name,
				Topic: o.g.topic.name, Partition: o.p, Offset: o.off, Generation: o.ref.generation})
		}
		for _, a := range st.acks {
			a.At = int64(w.Now())
			b.hist.Put(&a)
		}
	}
	st.open, st.parts, st.offsets, st.acks = false, nil, nil, nil
	st.chain++
}

// txnTimeout aborts the transaction of state idx if timer chain is still
// the one in force: it outlived its timeout. As Kafka's coordinator does,
// it bumps the epoch first, so the producer is fenced.
func (b *Broker) txnTimeout(w *sim.World, idx int, chain int64) {
	st := b.txn.states[idx]
	if !st.open || st.chain != chain {
		return
	}
	st.epoch++
	b.txnFinish(w, st, false, "broker")
}

// lso returns the last stable offset of partition p of t: the first
// offset of the oldest open transaction there, or the log end.
func (b *Broker) lso(t *topic, p int) int64 {
	end := t.partitions[p].end()
	for _, st := range b.txn.states {
		if !st.open {
			continue
		}
		for _, tp := range st.parts {
			if tp.t == t && tp.p == p && len(tp.offs) > 0 {
				end = min(end, tp.offs[0])
			}
		}
	}
	return end
}

// visible returns up to limit records of partition p of t from offset
// from that a reader with isolation iso gets: never a control marker;
// read-committed, nothing at or above the last stable offset and no
// record of an aborted transaction. It also returns the offset to read
// next (past the markers and aborted records it stepped over). The
// records are copied out of the log into buf's array when it is large
// enough.
func (b *Broker) visible(t *topic, p int, from int64, limit int, iso Isolation, buf []Record) (recs []Record, next int64) {
	pl := &t.partitions[p]
	end := pl.end()
	recs = buf[:0]
	if !t.txn {
		end = min(end, from+int64(limit))
		n := 0
		if end > from {
			n = int(end - from)
		}
		if n > cap(recs) {
			// twice the array lent, up to a full batch: a member's
			// batches grow to their size in a few fetches
			recs = recordStock.reserve(recs[:0], max(n, min(limit, 2*cap(recs))))
		}
		recs = recs[:n]
		for k := range recs {
			t.unpack(&recs[k], &pl.records[from+int64(k)], p, from+int64(k))
		}
		return recs, end
	}
	if iso == ReadCommitted {
		end = b.lso(t, p)
	}
	next = from
	for ; next < end && len(recs) < limit; next++ {
		r := &pl.records[next]
		if r.control != 0 || r.aborted && iso == ReadCommitted {
			continue
		}
		recs = append(recs, t.record(p, next))
	}
	return recs, next
}

// settled reports whether a reader at offset from of partition p of t
// has nothing left to read there: from is the log end, or only markers
// and aborted records lie beyond it.
func (t *topic) settled(p int, from int64) bool {
	pl := &t.partitions[p]
	if from >= pl.end() {
		return true
	}
	if !t.txn || from < pl.start {
		return false
	}
	for _, r := range pl.records[from:] {
		if r.control == 0 && !r.aborted {
			return false
		}
	}
	return true
}
