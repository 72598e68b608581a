package model

import (
	"fmt"

	"evsim/model/history"
	"evsim/sim"
)

// Broker is a Kafka-like broker node: topics with partitioned append-only
// logs, and consumer groups with committed offsets. Its state is durable;
// the broker itself does not crash in this model.
type Broker struct {
	id     sim.NodeID
	hist   *history.History
	topics []*topic
	groups []*group
}

// group is a consumer group as the broker sees it: its members, the static
// assignment of partitions to them, and committed offsets.
type group struct {
	name      string
	topic     *topic
	members   []sim.NodeID
	committed []int64
	// attempts counts deliveries per partition and offset (observation only).
	attempts [][]uint16
}

func newBroker(h *history.History) *Broker { return &Broker{hist: h} }

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

// assignment returns the partitions of a group's topic that member i owns:
// partition p belongs to member p mod members.
func (g *group) assignment(i int) []int {
	var ps []int
	for p := range g.topic.partitions {
		if p%len(g.members) == i {
			ps = append(ps, p)
		}
	}
	return ps
}

// Handle implements sim.Node.
func (b *Broker) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindPublish:
		m := ev.Msg.(*publishMsg)
		t := b.topic(m.rec.Topic)
		p := KeyPartition(m.rec.Key, len(t.partitions))
		pl := &t.partitions[p]
		m.rec.Partition, m.rec.Offset = p, int64(len(pl.records))
		pl.records = append(pl.records, m.rec)
		b.hist.Add(history.Record{At: int64(w.Now()), Kind: history.Append, Node: w.Name(b.id), Topic: t.name,
			Partition: p, Offset: m.rec.Offset, Event: m.rec.ID, Key: m.rec.Key, Type: m.rec.Type, Amount: m.rec.Amount})
		w.Send(b.id, m.from, kindAck, int64(p), m.rec.Offset, m)
	case kindJoin:
		g := ev.Msg.(*group)
		i := int(ev.A)
		ps := g.assignment(i)
		a := &assignMsg{partitions: ps, committed: make([]int64, len(ps))}
		for j, p := range ps {
			a.committed[j] = g.committed[p]
		}
		w.Send(b.id, g.members[i], kindAssign, 0, 0, a)
	case kindFetch:
		f := ev.Msg.(*fetchMsg)
		g, p, from := f.group, int(ev.A), ev.B
		log := g.topic.partitions[p].records
		end := min(int64(len(log)), from+int64(f.max))
		var recs []Record
		if from < end {
			recs = log[from:end:end]
		}
		w.Send(b.id, f.member, kindRecords, int64(p), from, &recordsMsg{partition: p, records: recs})
	case kindCommit:
		c := ev.Msg.(*commitMsg)
		g, p := c.group, int(ev.A)
		g.committed[p] = ev.B
		b.hist.Add(history.Record{At: int64(w.Now()), Kind: history.OffsetCommit, Node: w.Name(c.member), Group: g.name,
			Topic: g.topic.name, Partition: p, Offset: ev.B})
	default:
		panic(fmt.Sprintf("model: broker got unknown event kind %d", ev.Kind))
	}
}

type fetchMsg struct {
	group  *group
	member sim.NodeID
	max    int
}

type commitMsg struct {
	group  *group
	member sim.NodeID
}
