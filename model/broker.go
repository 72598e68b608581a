package model

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Broker is a Kafka-like broker node: topics with partitioned append-only
// logs, the idempotent-producer sequence check, and the coordinator of
// every consumer group (membership, generations, assignment, committed
// offsets, and the per-message state of queue subscriptions). Its state is
// durable; this node itself does not crash in this model.
//
// A topic with a replication factor above 1 lives on the broker cluster
// instead (see [Replica] and the controller): producers send to each
// partition's leader, and this node serves consumers the partition's
// committed view (the current leader's records below its high
// watermark), as the leader would, and nothing while no broker leads it.
type Broker struct {
	id     sim.NodeID
	hist   *history.History
	hname  history.Name // "broker", as the history names it
	topics []*topic
	groups []*group
	// nextPID is the last producer id handed out.
	nextPID int64
	// seqs holds, per idempotent producer and partition, the offset of
	// every sequence number appended in the producer's current epoch.
	seqs map[producerPartition]*sequenceLine
	// cluster holds the replicated topics (nil: none).
	cluster *cluster
	// txn is the transaction coordinator.
	txn txnCoordinator
}

type producerPartition struct {
	pid       int64
	topic     *topic
	partition int
}

func newBroker(h *history.History) *Broker {
	return &Broker{hist: h, hname: history.NewName("broker"), seqs: map[producerPartition]*sequenceLine{}}
}

func (b *Broker) topic(name string) *topic {
	for _, t := range b.topics {
		if t.name == name {
			return t
		}
	}
	return nil
}

func (b *Broker) group(name string) *group {
	for _, g := range b.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

// newProducerID hands out a fresh producer id, as Kafka's InitProducerId
// does (modelled as instantaneous).
func (b *Broker) newProducerID() int64 {
	b.nextPID++
	return b.nextPID
}

// append appends the batch recs to partition p of t unless the
// idempotence check refuses it. pid 0 means a producer that is not
// idempotent; otherwise seq numbers the batch's first record within the
// producer's epoch. A batch of a newer epoch starts the partition's
// sequence again and must start at 0 (KIP-360: the producer bumped its
// epoch after giving up on a batch); one of an older epoch is refused. It
// returns the status and the offset of the batch's first record (its first
// offset, for a duplicate).
func (b *Broker) append(now sim.Time, t *topic, p int, recs []Record, pid int64, epoch int, seq int64) (status int, offset int64) {
	var line *sequenceLine
	if pid != 0 {
		k := producerPartition{pid, t, p}
		line = b.seqs[k]
		if line == nil {
			line = &sequenceLine{epoch: epoch}
			b.seqs[k] = line
		}
		switch {
		case epoch < line.epoch:
			return produceOutOfOrder, -1
		case epoch > line.epoch:
			if seq != 0 {
				return produceOutOfOrder, -1
			}
			line.restart(epoch)
		}
		switch n := line.len(); {
		case seq < n:
			return produceDuplicate, line.offset(seq)
		case seq > n:
			return produceOutOfOrder, -1
		}
	}
	pl := &t.partitions[p]
	base := pl.end()
	for i := range recs {
		pl.records = growByDoubling(pl.records)
		n := len(pl.records)
		pl.records = pl.records[:n+1]
		t.packAt(&pl.records[n], &recs[i], now, 0, 0)
	}
	if line != nil {
		line.add(base, int64(len(recs)))
	}
	return produceOK, base
}

// Handle implements sim.Node.
func (b *Broker) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindPublish:
		if m, ok := ev.Msg.(*publishMsg); ok {
			b.publish(w, m)
			return
		}
		req := ev.Msg.(*produceReq)
		if req.refuse {
			if req.acks != AcksNone {
				w.Send(b.id, req.from, kindProduceResp, produceRetriable, -1, req)
			}
			return
		}
		status, off := b.append(w.Now(), req.topic, req.partition, req.records, req.pid, req.epoch, req.seq)
		if status == produceOK {
			// one mark for the batch, its record's fields set for each
			// (PutStamped only reads it)
			mk := history.Mark{At: int64(w.Now()), Partition: req.partition, ProducerID: req.pid, Epoch: req.epoch}
			st := &req.topic.stamp
			if st.Topic() != &req.topic.hname {
				*st = history.NewStamp(codeAppend, &b.hname, nil, nil, &req.topic.hname)
			}
			for i := range req.records {
				r := &req.records[i]
				if req.pid != 0 {
					mk.Seq = req.seq + int64(i)
				}
				mk.Offset, mk.Event, mk.Key, mk.Type, mk.Amount, mk.Payload = off+int64(i), r.ID, r.Key, r.Type, r.Amount, r.Payload
				b.hist.PutStamped(st, &mk, r.tag)
			}
		}
		if req.acks != AcksNone {
			w.Send(b.id, req.from, kindProduceResp, int64(status), off, req)
		}
	case kindFetch:
		if m, ok := ev.Msg.(*topicReadMsg); ok {
			b.readTopic(w, m)
			return
		}
		f := ev.Msg.(*fetchMsg)
		if f.group.queue != nil {
			f.group.queue.fetch(w, b, f)
		} else {
			b.fetch(w, f)
		}
	case kindCommit:
		c := ev.Msg.(*memberRef)
		c.group.commit(w, b, c, int(ev.A), ev.B)
	case kindQueueAck:
		c := ev.Msg.(*memberRef)
		c.group.queue.ack(w, b, c, int(ev.A), ev.B)
	case kindJoin:
		j := ev.Msg.(*joinMsg)
		j.group.join(w, b, j)
	case kindHeartbeat:
		ref := ev.Msg.(*memberRef)
		ref.group.heartbeat(w, b, ref)
	case kindLeave:
		ref := ev.Msg.(*memberRef)
		ref.group.leave(w, b, ref)
	case kindSessionCheck:
		b.groups[ev.A>>32].sessionCheck(w, b, int(ev.A&0xffffffff), uint64(ev.B))
	case kindTxnTimeout:
		b.txnTimeout(w, int(ev.A), ev.B)
	case kindRebalanceDelay:
		b.groups[ev.A].delayOver(w, b, ev.B)
	case kindRebalanceTimeout:
		b.groups[ev.A].rebalanceTimeout(w, b, ev.B)
	case kindOffsetsExpire:
		b.groups[ev.A].offsetsExpire(w, b, ev.B)
	case kindAckDeadline:
		g := b.groups[ev.A>>32]
		g.queue.deadline(w, b, g, int(ev.A&0xffffffff), ev.B)
	default:
		panic(fmt.Sprintf("model: broker got unknown event kind %d", ev.Kind))
	}
}

// publish appends a record of a simple publisher to the partition of its
// key and acknowledges it.
func (b *Broker) publish(w *sim.World, m *publishMsg) {
	t := b.topic(m.rec.Topic)
	if t.repl != nil {
		panic("model: a simple publish to replicated topic " + t.name)
	}
	p := KeyPartition(m.rec.Key, len(t.partitions))
	_, off := b.append(w.Now(), t, p, []Record{m.rec}, 0, 0, 0)
	r := &m.rec
	b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Append, Node: "broker", Topic: t.name,
		Partition: p, Offset: off, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount, Payload: r.Payload})
	w.Send(b.id, m.from, kindAck, int64(p), off, m)
}

// fetch answers a log subscription's fetch: it scans the member's
// partitions from f.start, resets positions that fall outside the log
// (retention, or no committed offset) by the group's reset policy, and
// returns up to f.max records of the first partition that has any.
func (b *Broker) fetch(w *sim.World, f *fetchMsg) {
	g := f.group
	n := len(f.partitions)
	for i := 0; i < n; i++ {
		j := (f.start + i) % n
		p := f.partitions[j]
		g.topic.expire(p, w.Now())
		pl := &g.topic.partitions[p]
		if pl.offline {
			continue
		}
		from := f.positions[j]
		if from < 0 && g.resolved[p] >= pl.start && g.resolved[p] <= pl.end() {
			// A member without a position keeps the one the reset policy
			// gave it until its first records come back, as a Kafka
			// consumer's position does: a latest reset at every empty
			// fetch would chase the log end forever.
			from = g.resolved[p]
		} else if from < pl.start || from > pl.end() {
			from = g.reset(p)
		}
		recs, next := b.visible(g.topic, p, from, f.max, f.iso, f.buf)
		if len(recs) == 0 {
			f.buf = recs
			continue
		}
		f.reply = recordsMsg{epoch: f.epoch, partition: p, from: recs[0].Offset, next: next, records: recs, fetch: f}
		w.Send(b.id, f.member, kindRecords, int64(p), from, &f.reply)
		return
	}
	f.reply = recordsMsg{epoch: f.epoch, partition: -1, records: f.buf[:0], fetch: f}
	w.Send(b.id, f.member, kindRecords, -1, 0, &f.reply)
}
