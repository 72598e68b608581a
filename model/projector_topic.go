package model

import (
	"strconv"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// topicFeed is what a projector of a topic ([SourceTopic]) keeps besides
// a store projector's state: the topic, where its per-partition
// checkpoints live in the read model's database, and, volatile
// ([topicCursor], dropped whole by a crash), its read positions and the
// batch in hand.
//
// It reads like a consumer that assigns itself every partition and keeps
// its offsets in its own database rather than in a consumer group: each
// read asks the broker for up to a batch of records of one partition (the
// partitions taken round robin), at the partition's next offset to read.
// The read model row of a key folds the key's records in offset order
// with the read model's projection; its version counts the records
// applied to it.
type topicFeed struct {
	topic *topic
	// cpKeys are the checkpoint keys of the partitions in checkpointTable:
	// the next offset to read.
	cpKeys []string

	topicCursor
}

// topicCursor is a topic projector's volatile reading state.
type topicCursor struct {
	pos   []int64 // next offset to read, per partition; nil until loaded
	next  int     // the partition to read first next time
	part  int     // the partition of the batch in hand
	from  int64   // the offset of its first record
	end   int64   // the offset to read after it
	batch []Record
}

// topicReadMsg is a topic projector's read: the broker scans the
// partitions from start, round robin, and answers with a *recordsMsg
// (epoch = seq) holding up to max records of the first partition that has
// any after its position, or none (partition -1).
type topicReadMsg struct {
	from      sim.NodeID
	seq       int64
	topic     *topic
	max       int
	positions []int64
	start     int
	iso       Isolation
}

func newTopicFeed(projection string, t *topic) *topicFeed {
	t.feeds++
	f := &topicFeed{topic: t, cpKeys: make([]string, len(t.partitions))}
	prefix := tablesOf(projection, 0).checkpointKey + "/" + t.name + "/"
	for p := range f.cpKeys {
		f.cpKeys[p] = prefix + strconv.Itoa(p)
	}
	return f
}

// caughtUp reports whether every partition's committed checkpoint in db
// has reached the end of the partition's log (or only transaction
// markers and aborted records lie beyond it).
func (f *topicFeed) caughtUp(db *DB) bool {
	for p := range f.topic.partitions {
		if cp, _ := db.Get(checkpointTable, f.cpKeys[p]); !f.topic.settled(p, cp) {
			return false
		}
	}
	return true
}

// readTopic answers a topic projector's read. A position below what
// retention kept reads from the oldest record kept.
func (b *Broker) readTopic(w *sim.World, m *topicReadMsg) {
	t := m.topic
	n := len(t.partitions)
	for i := 0; i < n; i++ {
		p := (m.start + i) % n
		t.expire(p, w.Now())
		pl := &t.partitions[p]
		from := max(m.positions[p], pl.start)
		if from >= pl.end() {
			continue
		}
		recs, next := b.visible(t, p, from, m.max, m.iso, nil)
		if len(recs) == 0 {
			continue
		}
		w.Send(b.id, m.from, kindRecords, int64(p), from,
			&recordsMsg{epoch: m.seq, partition: p, from: recs[0].Offset, next: next, records: recs})
		return
	}
	w.Send(b.id, m.from, kindRecords, -1, 0, &recordsMsg{epoch: m.seq, partition: -1})
}

// resumeTopic loads the per-partition checkpoints.
func (p *Projector) resumeTopic() {
	f := p.feed
	f.pos = make([]int64, len(f.cpKeys))
	for i, k := range f.cpKeys {
		f.pos[i], _ = p.db.Get(checkpointTable, k)
	}
}

// pollTopic reads the topic after the positions.
func (p *Projector) pollTopic(w *sim.World, batch int) {
	f := p.feed
	if f.pos == nil {
		p.resumeTopic()
	}
	n := len(f.pos)
	m := &topicReadMsg{from: p.id, seq: p.seq, topic: f.topic, max: batch, positions: append([]int64(nil), f.pos...), start: f.next % n,
		iso: p.cfg.Isolation}
	f.next = (f.next + 1) % n
	w.Send(p.id, p.env.broker, kindFetch, 0, 0, m)
}

// planTopic takes the records read and waits for their processing time.
func (p *Projector) planTopic(w *sim.World, r *recordsMsg) {
	if len(r.records) == 0 {
		p.pollLater(w)
		return
	}
	f := p.feed
	f.part, f.from, f.end, f.batch = r.partition, r.from, r.next, r.records
	p.busy, p.planned = true, true
	w.After(p.id, p.processing(len(r.records)), kindProjectorApplied, 0, 0, nil)
}

// applyTopic writes the batch in hand to the read model and commits the
// partition's checkpoint, in one transaction or two.
func (p *Projector) applyTopic(w *sim.World) {
	f := p.feed
	t := p.tables()
	tx := p.db.Begin()
	recs := make([]history.Entry, 0, len(f.batch))
	for _, r := range f.batch {
		v, _ := tx.Get(t.value, r.Key)
		ver, _ := tx.Get(t.version, r.Key)
		ver++
		v = p.env.folds[p.cfg.Name].Apply(v, r.Event(ver))
		tx.Put(t.value, r.Key, v)
		tx.Put(t.version, r.Key, ver)
		recs = append(recs, history.Entry{At: int64(w.Now()), Kind: history.ProjectionApply, Node: p.name, Group: p.cfg.Name,
			Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Event: r.ID, Type: r.Type, Amount: r.Amount,
			Payload: r.Payload, Version: ver, Value: v})
	}
	next := f.end
	cpKey := f.cpKeys[f.part]
	if p.cfg.Checkpoint == CheckpointSameTx {
		tx.Put(checkpointTable, cpKey, next)
	}
	tx.Commit()
	for _, r := range recs {
		p.env.hist.Put(&r)
	}
	if p.effects && p.cfg.Effects != "" {
		for _, r := range f.batch {
			if r.Type == p.cfg.Effects {
				p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Effect, Node: p.name, Group: p.cfg.Name,
					Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Event: r.ID, Key: r.Key, Type: r.Type, Amount: r.Amount})
			}
		}
	}
	if p.cfg.Checkpoint == CheckpointSameTx {
		p.topicCheckpointed(w, f.part, next)
		crashPoint(w, p.id, PointAfterApply)
	} else {
		crashPoint(w, p.id, PointAfterApply)
		tx := p.db.Begin()
		tx.Put(checkpointTable, cpKey, next)
		tx.Commit()
		p.topicCheckpointed(w, f.part, next)
	}
	f.batch = nil
	p.poll(w)
}

func (p *Projector) topicCheckpointed(w *sim.World, part int, next int64) {
	p.feed.pos[part] = next
	p.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Checkpoint, Node: p.name, Group: p.cfg.Name,
		Topic: p.feed.topic.name, Partition: part, Offset: next})
}
