package model

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

type claimMsg struct {
	from sim.NodeID
	seq  int64
	max  int
}

type outboxRowsMsg struct {
	rows   []int
	events []StoredEvent
}

type sentMsg struct{ rows []int }

// claim answers a relay: if the outbox lease is free, expired or already
// the relay's, the relay gets (or renews) it and the oldest unsent rows.
func (s *EventStore) claim(w *sim.World, m *claimMsg) {
	r := &outboxRowsMsg{}
	lease := s.outboxLease
	if lease <= 0 {
		lease = sim.Time(DefaultLease)
	}
	if s.lease.holder == m.from || s.lease.until <= w.Now() {
		if s.lease.holder != m.from {
			s.lease.token++
		}
		s.lease.holder, s.lease.until = m.from, w.Now()+lease
		for i := s.sentPrefix; i < len(s.outbox) && len(r.rows) < m.max; i++ {
			if !s.outbox[i].sent {
				r.rows = append(r.rows, i)
				r.events = append(r.events, s.outbox[i].ev)
			}
		}
	}
	w.Send(s.id, m.from, kindOutboxRows, m.seq, 0, r)
}

// markSent marks outbox rows as published.
func (s *EventStore) markSent(rows []int) {
	for _, i := range rows {
		s.outbox[i].sent = true
	}
	for s.sentPrefix < len(s.outbox) && s.outbox[s.sentPrefix].sent {
		s.sentPrefix++
	}
}

// Relay is an outbox relay: it takes the outbox lease, publishes the
// unsent rows to the broker, waits for the broker's acknowledgements, then
// marks the rows sent. A crash between the publish and the mark publishes
// them again (at least once). The outbox rows and their lease live in
// the event store; the relay keeps the number of its claims, which grows
// across lives so that an answer to an earlier claim is dropped, and
// loses the rows in hand in a crash ([relayVolatile]).
type Relay struct {
	id   sim.NodeID
	name string
	env  *esEnv
	seq  int64

	relayVolatile
}

// relayVolatile is what a relay loses in a crash: the rows it claimed and
// the acknowledgements it still waits for.
type relayVolatile struct {
	rows     []int
	acksLeft int
}

// Handle implements sim.Node.
func (r *Relay) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindRelayPoll:
		r.seq++
		batch := r.env.cfg.Outbox.Batch
		if batch <= 0 {
			batch = DefaultBatch
		}
		w.Send(r.id, r.env.store, kindOutboxClaim, r.seq, 0, &claimMsg{from: r.id, seq: r.seq, max: batch})
	case kindOutboxRows:
		if ev.A != r.seq {
			return
		}
		m := ev.Msg.(*outboxRowsMsg)
		if len(m.rows) == 0 {
			r.pollLater(w)
			return
		}
		r.rows, r.acksLeft = m.rows, len(m.rows)
		publishEvents(w, r.id, r.name, r.env, m.events)
	case kindAck:
		m := ev.Msg.(*publishMsg)
		r.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.PublishAck, Node: r.name, Topic: m.rec.Topic,
			Partition: int(ev.A), Offset: ev.B, Event: m.rec.ID, Key: m.rec.Key, Type: m.rec.Type, Amount: m.rec.Amount})
		if r.acksLeft == 0 {
			return
		}
		r.acksLeft--
		if r.acksLeft > 0 {
			return
		}
		crashPoint(w, r.id, PointAfterPublish)
		w.Send(r.id, r.env.store, kindOutboxSent, 0, 0, &sentMsg{rows: r.rows})
		r.rows = nil
		r.pollLater(w)
	default:
		panic(fmt.Sprintf("model: relay %s got unknown event kind %d", r.name, ev.Kind))
	}
}

func (r *Relay) pollLater(w *sim.World) {
	iv := r.env.cfg.Outbox.PollInterval
	if iv <= 0 {
		iv = DefaultPollInterval
	}
	w.After(r.id, sim.Time(iv), kindRelayPoll, 0, 0, nil)
}

// Crash implements sim.Crasher.
func (r *Relay) Crash(w *sim.World, point string) {
	r.relayVolatile = relayVolatile{}
	r.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: r.name, CrashPoint: history.CrashPoint(point)})
}

// Restart implements sim.Restarter.
func (r *Relay) Restart(w *sim.World) {
	r.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: r.name})
	w.After(r.id, 0, kindRelayPoll, 0, 0, nil)
}

// declarePublishers records a history.StorePublisher record for each node
// that publishes the store's events to the outbox topic: every relay in
// outbox mode, every command session in a dual-write mode. Checks tell
// the store's events from an ordinary producer's by these records.
func (e *ESSystem) declarePublishers(w *sim.World) {
	topic := e.env.cfg.Outbox.Topic
	switch e.env.cfg.Outbox.Mode {
	case PublishOutbox:
		for _, r := range e.Relays {
			e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.StorePublisher, Node: r.name, Topic: topic})
		}
	case PublishAfterCommit, PublishBeforeCommit:
		for _, s := range e.Sessions {
			if s.queries == "" {
				e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.StorePublisher, Node: s.name, Topic: topic})
			}
		}
	}
}
