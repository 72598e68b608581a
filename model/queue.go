package model

import (
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// queueState is the broker's side of a queue-style subscription (SQS, NATS
// JetStream pull consumers): every message of the topic is handed to
// whichever member fetches next, must be acknowledged within the ack
// timeout, and is delivered again otherwise, up to MaxDeliveries times.
// There is no ownership of partitions and no order.
type queueState struct {
	next      []int64      // per partition: the first offset never delivered
	msgs      [][]queueMsg // per partition and offset, for offsets below next
	redeliver []queueRef   // timed out, waiting to go out again, oldest first
	rr        int          // the partition to take fresh messages from first
	// outstanding counts messages delivered but neither acknowledged nor
	// dead-lettered.
	outstanding int
}

type queueMsg struct {
	deliveries int
	deadline   sim.Time
	acked      bool
	dead       bool
}

type queueRef struct {
	partition int
	offset    int64
}

func newQueueState(partitions int) *queueState {
	return &queueState{next: make([]int64, partitions), msgs: make([][]queueMsg, partitions)}
}

// fetch hands out up to f.max messages: timed-out ones first, then fresh
// ones taken from the partitions in turn.
func (q *queueState) fetch(w *sim.World, b *Broker, f *fetchMsg) {
	g := f.group
	resp := &f.reply
	*resp = recordsMsg{epoch: f.epoch, partition: -1, records: f.buf[:0], fetch: f}
	give := func(p int, off int64) {
		m := &q.msgs[p][off]
		m.deliveries++
		m.deadline = w.Now() + sim.Time(g.cfg.AckTimeout)
		w.After(b.id, sim.Time(g.cfg.AckTimeout), kindAckDeadline, int64(g.idx)<<32|int64(p), off, nil)
		resp.records = append(resp.records, g.topic.record(p, off))
		resp.attempts = append(resp.attempts, m.deliveries)
	}
	for len(q.redeliver) > 0 && len(resp.records) < f.max {
		r := q.redeliver[0]
		q.redeliver = q.redeliver[1:]
		if m := q.msgs[r.partition][r.offset]; !m.acked && !m.dead {
			give(r.partition, r.offset)
		}
	}
	n := len(q.next)
	for i := 0; i < n && len(resp.records) < f.max; i++ {
		p := (q.rr + i) % n
		pl := &g.topic.partitions[p]
		for q.next[p] < pl.end() && len(resp.records) < f.max {
			off := q.next[p]
			q.next[p]++
			q.msgs[p] = append(q.msgs[p], queueMsg{})
			q.outstanding++
			give(p, off)
		}
	}
	q.rr = (q.rr + 1) % n
	w.Send(b.id, f.member, kindRecords, -1, 0, resp)
}

// ack settles a message for good.
func (q *queueState) ack(w *sim.World, b *Broker, ref *memberRef, p int, off int64) {
	m := &q.msgs[p][off]
	if !m.acked && !m.dead {
		m.acked = true
		q.outstanding--
	}
	r := ref.group.topic.record(p, off)
	b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Ack, Node: ref.name, Group: ref.group.name,
		Topic: r.Topic, Partition: p, Offset: off, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount})
}

// deadline fires when a delivery's ack timeout is over: the message goes
// out again, or to the dead-letter queue once it has been delivered
// MaxDeliveries times.
func (q *queueState) deadline(w *sim.World, b *Broker, g *group, p int, off int64) {
	m := &q.msgs[p][off]
	if m.acked || m.dead || m.deadline != w.Now() {
		return
	}
	if g.cfg.MaxDeliveries > 0 && m.deliveries >= g.cfg.MaxDeliveries {
		m.dead = true
		q.outstanding--
		r := g.topic.record(p, off)
		b.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.DeadLetter, Node: w.Name(b.id), Group: g.name,
			Topic: r.Topic, Partition: p, Offset: off, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount,
			Attempt: m.deliveries})
		return
	}
	q.redeliver = append(q.redeliver, queueRef{p, off})
}

// caughtUp reports whether every message of the topic was delivered and
// settled.
func (q *queueState) caughtUp(t *topic) bool {
	if q.outstanding > 0 {
		return false
	}
	for p := range q.next {
		if q.next[p] < t.partitions[p].end() {
			return false
		}
	}
	return true
}
