package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// CanAddPartitions reports why topic name cannot grow to n partitions, or
// nil. As Kafka does (kafka-topics --alter --partitions), a topic only
// grows. The model grows a topic of the single broker read by producers
// and log-style groups; it refuses one that is replicated, written in
// transactions, read by queue subscriptions or by a projector.
func (s *System) CanAddPartitions(name string, n int) error {
	t := s.Broker.topic(name)
	switch {
	case t == nil:
		return fmt.Errorf("add-partitions %q: no such topic", name)
	case n <= len(t.partitions):
		return fmt.Errorf("add-partitions %q: to %d: the topic has %d partitions already, and a topic only grows", name, n, len(t.partitions))
	case t.repl != nil:
		return fmt.Errorf("add-partitions %q: the model grows only a topic of the single broker, not a replicated one", name)
	case t.feeds > 0:
		return fmt.Errorf("add-partitions %q: a projector reads it, and the model does not grow a projector's checkpoints", name)
	}
	for _, p := range s.TxnProducers {
		if p.t == t {
			return fmt.Errorf("add-partitions %q: transactional producer %s writes it, and the model does not grow a topic written in transactions", name, p.cfg.Name)
		}
	}
	for _, m := range s.Members {
		if m.out == t {
			return fmt.Errorf("add-partitions %q: group %s writes it in transactions, and the model does not grow a topic written in transactions", name, m.g.name)
		}
	}
	for _, g := range t.groups {
		if g.queue != nil {
			return fmt.Errorf("add-partitions %q: group %s reads it as a queue, and only log-style groups follow a topic's growth", name, g.name)
		}
	}
	return nil
}

// AddPartitions grows topic name to n partitions now, as
// kafka-topics --alter --partitions does: the existing partitions keep
// their records, the new ones start empty. It records an add-partitions
// record of the broker. Every log-style group reading the topic
// rebalances at once to spread the new partitions (in Kafka, its leader
// notices the change at its next metadata refresh, metadata.max.age.ms).
// Producers learn the new count at their own next metadata refresh
// ([ProducerConfig.MetadataMaxAge]); until then they keep picking among
// the old partitions. Call [System.CanAddPartitions] first.
func (s *System) AddPartitions(name string, n int) {
	w, t := s.World, s.Broker.topic(name)
	from := len(t.partitions)
	for p := from; p < n; p++ {
		t.partitions = append(t.partitions, partitionLog{})
	}
	added := make([]int, 0, n-from)
	for p := from; p < n; p++ {
		added = append(added, p)
	}
	s.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.AddPartitions, Node: w.Name(s.Broker.id), Topic: t.name,
		Count: n, Partitions: joinInts(added)})
	for _, g := range t.groups {
		for p := from; p < n; p++ {
			g.committed = append(g.committed, -1)
			g.resolved = append(g.resolved, -1)
			g.attempts = append(g.attempts, nil)
			g.fenceKeys = append(g.fenceKeys, t.name+"/"+strconv.Itoa(p))
		}
		if len(g.members) > 0 && !g.rebalancing {
			g.startRebalance(w, s.Broker)
		}
	}
}

// HoldProducers pauses the producers of topic name, as an operator
// stopping the applications that write it: events they draw meanwhile
// wait in the application, unpublished, until [System.ReleaseProducers].
func (s *System) HoldProducers(name string) {
	for _, p := range s.Producers {
		if p.t.name == name {
			p.holding = true
		}
	}
}

// ReleaseProducers restarts the held producers of topic name, as the
// operator starts their applications again: each fetches fresh metadata
// (the topic's partition count now) and publishes the events that
// waited, in order.
func (s *System) ReleaseProducers(name string) {
	for _, p := range s.Producers {
		if p.t.name != name || !p.holding {
			continue
		}
		p.holding = false
		p.learnPartitions(s.World.Now())
		held := p.held
		p.held = nil
		for _, e := range held {
			if !s.World.Up(p.id) {
				break // a crash at a crash point of emit lost the rest
			}
			p.emit(s.World, e.key, e.typ, e.amount)
		}
	}
}

// TopicDrained reports whether nothing written to topic name is still on
// its way: every producer of it has no record waiting or in flight, and
// every group reading it has committed the end of every partition, with
// no rebalance under way.
func (s *System) TopicDrained(name string) bool {
	for _, p := range s.Producers {
		if p.t.name == name && s.World.Up(p.id) && len(p.inflight)+len(p.ready) > 0 {
			return false
		}
	}
	t := s.Broker.topic(name)
	for _, g := range t.groups {
		if g.rebalancing {
			return false
		}
		for p := range t.partitions {
			if !g.caughtUp(p) {
				return false
			}
		}
	}
	return true
}

// HeldProducers names the producers of topic name that
// [System.HoldProducers] holds back now, with the events each drew and
// has not published, in configuration order; "" when none is held.
func (s *System) HeldProducers(name string) string {
	var out []string
	for _, p := range s.Producers {
		if p.t.name == name && p.holding {
			out = append(out, fmt.Sprintf("%s (%d event(s) waiting)", p.cfg.Name, len(p.held)))
		}
	}
	return strings.Join(out, ", ")
}

// Undrained says what keeps topic name from draining now, as
// [System.TopicDrained] judges it: the first producer with records
// waiting or in flight, else the first group rebalancing or behind the
// end of a partition (with how many of its members are down); "" when
// the topic has drained.
func (s *System) Undrained(name string) string {
	w := s.World
	for _, p := range s.Producers {
		if p.t.name == name && w.Up(p.id) && len(p.inflight)+len(p.ready) > 0 {
			return fmt.Sprintf("producer %s has %d request(s) in flight and %d partition(s) with records waiting", p.cfg.Name, len(p.inflight), len(p.ready))
		}
	}
	t := s.Broker.topic(name)
	for _, g := range t.groups {
		down := 0
		for _, id := range g.nodes {
			if !w.Up(id) {
				down++
			}
		}
		why := ""
		if g.rebalancing {
			why = fmt.Sprintf("group %s is rebalancing", g.name)
		} else {
			for p := range t.partitions {
				if !g.caughtUp(p) {
					why = fmt.Sprintf("group %s has not committed the end of partition %d", g.name, p)
					break
				}
			}
		}
		if why == "" {
			continue
		}
		if down > 0 {
			why += fmt.Sprintf(" (%d of its %d members down)", down, len(g.nodes))
		}
		return why
	}
	return ""
}

// heldEvent is an event a held producer drew but has not published.
type heldEvent struct {
	key, typ string
	amount   int64
}

// metadata refreshes the producer's view of the topic's partition count
// if its metadata is MetadataMaxAge old, as a Kafka producer does every
// metadata.max.age.ms: the refreshes fall at whole multiples of the age
// after the producer's session started.
func (p *Producer) metadata(now sim.Time) {
	age := sim.Time(p.cfg.MetadataMaxAge)
	if now-p.metaAt < age {
		return
	}
	p.metaAt = now - (now-p.metaAt)%age
	p.learnPartitions(p.metaAt)
}

// learnPartitions takes the topic's partition count now into the
// producer's metadata, fetched at time at.
func (p *Producer) learnPartitions(at sim.Time) {
	p.metaAt = at
	n := len(p.t.partitions)
	for len(p.seqs) < n {
		p.seqs = append(p.seqs, 0)
		p.lines = append(p.lines, p.epoch)
		p.pending = append(p.pending, nil)
	}
	p.parts = n
}
