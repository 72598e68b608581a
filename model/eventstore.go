package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"unsafe"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// StoredEvent is one event of the event store ([domain.Event]): a fact
// with its id, its stream and version in the stream (from 1), its global
// position (from 1), the command that caused it and its payload.
type StoredEvent = domain.Event

// Expected is the expected version of an append.
type Expected struct {
	// Any appends whatever the stream's version.
	Any bool
	// Version is the version the stream must be at (0: no stream).
	Version int64
}

func (e Expected) String() string {
	switch {
	case e.Any:
		return "any"
	case e.Version == 0:
		return "no-stream"
	}
	return strconv.FormatInt(e.Version, 10)
}

// Event kinds of the event-sourced nodes, far above the pub/sub ones.
const (
	kindStoreRead         uint32 = 1000 + iota // session -> store: *storeReadMsg
	kindStoreReadReply                         // store -> session: *storeReadReply
	kindStoreAppend                            // session -> store: *appendMsg
	kindStoreAppendReply                       // store -> session: *appendReply
	kindStoreCommit                            // store timer: *pendingAppend
	kindStoreReadAll                           // projector -> store: *readAllMsg
	kindStoreReadAllReply                      // store -> projector: *readAllReply
	kindStoreSnapshot                          // session -> store: *snapshotMsg
	kindOutboxClaim                            // relay -> store: *claimMsg
	kindOutboxRows                             // store -> relay: *outboxRowsMsg
	kindOutboxSent                             // relay -> store: *sentMsg
	kindSessionNext                            // session timer: send the next command
	kindSessionTimeout                         // session timer: A = request sequence
	kindSessionPublish                         // session timer: publish after the commit
	kindQueryRead                              // client -> read model: *queryMsg
	kindQueryReply                             // read model -> client: *queryReply
	kindQueryWait                              // read model timer: *queryMsg
	kindProjectorPoll                          // projector timer
	kindProjectorApplied                       // projector timer: the batch's processing time is over
	kindProjectorRebuild                       // projector timer: start a rebuild
	kindRelayPoll                              // relay timer
)

type storeReadMsg struct {
	from sim.NodeID
	seq  int64
	key  string
}

type storeReadReply struct {
	events   streamView   // the whole committed stream
	snapshot *snapshotRec // the latest snapshot, if any: snap
	snap     snapshotRec
}

type snapshotRec struct {
	version int64
	state   any
	logic   int
}

type snapshotMsg struct {
	key string
	snapshotRec
}

// appendMsg is an append a session asks for. The number of the request
// travels as the event's A, not in the message: a session that sends an
// append again (after a timeout) sends the same message under a new
// number, and the store answers each request under its own.
type appendMsg struct {
	from     sim.NodeID
	key      string
	expected Expected
	basis    int64
	command  string
	events   []StoredEvent // ids, types and amounts set
	outbox   bool
	// refs counts the holders of the message ([appendPool]); 0 for a
	// message that is not pooled.
	refs int
}

type appendReply struct {
	outcome  history.Outcome // ok, conflict, rolled-back
	version  int64           // ok: stream version after; conflict: actual version
	position int64           // ok: position of the last event
	events   []StoredEvent
}

type pendingAppend struct {
	m         *appendMsg
	seq       int64 // the request's number
	st        *stream
	positions []int64 // reserved positions
}

// reset empties p for its pool, keeping the memory of its positions
// (read only while p is pending).
func (p *pendingAppend) reset() { *p = pendingAppend{positions: p.positions[:0]} }

type readAllMsg struct {
	from sim.NodeID
	seq  int64
	max  int
	// after is the checkpoint: read the events after this position.
	after int64
}

type readAllReply struct {
	events []StoredEvent
	// inFlight are reserved positions whose transaction is still open.
	inFlight []int64
	// head is the highest position reserved or committed.
	head int64
}

// reset empties the reply for its pool, keeping the memory of its slices.
func (r *readAllReply) reset() {
	clear(r.events)
	*r = readAllReply{events: r.events[:0], inFlight: r.inFlight[:0]}
}

type stream struct {
	events streamEvents
	// state is the aggregate's state after events, folded with apply
	// logic logic (0: not folded yet), for the store-append records.
	state any
	logic int
	// ids indexes the events by id once an append needs it ([stream.idIndex]).
	ids   map[string]int
	busy  bool
	queue []queuedAppend
}

// queuedAppend is an append request waiting for its stream: the message
// and the request's number.
type queuedAppend struct {
	m   *appendMsg
	seq int64
}

// idIndex returns the index of the stream's events by id (the last
// event with each id), built the first time an append with expected
// version any needs it and kept up to date from then on: a stream whose
// appends all expect a version never needs it.
func (st *stream) idIndex() map[string]int {
	if st.ids == nil {
		st.ids = make(map[string]int, st.events.len())
		for i := range st.events.len() {
			st.ids[st.events.at(i).ID] = i
		}
	}
	return st.ids
}

// log entry states
const (
	entryReserved uint8 = iota
	entryCommitted
	entryRolledBack
)

// logEntry is a position of the global log: reserved, rolled back, or
// committed, then the event at index idx of stream st (the log does not
// keep a second copy of it).
type logEntry struct {
	st    *stream
	idx   int32
	state uint8
}

// event returns the committed event of a log entry.
func (le *logEntry) event() *StoredEvent { return le.st.events.at(int(le.idx)) }

type outboxRow struct {
	ev   StoredEvent
	sent bool
}

// EventStore is the event store node: streams per aggregate, appends with
// an expected version and idempotent event ids, one global log with
// positions assigned at commit or reserved before it, commit delays and
// rollbacks, snapshots, and an outbox table. Its state is durable; it does
// not crash in this model, but the answers it sends can be lost.
type EventStore struct {
	id   sim.NodeID
	name string
	cfg  StoreConfig
	hist *history.History
	rng  *rand.Rand
	// env gives the aggregate the store folds its streams with.
	env     *esEnv
	pools   *msgPools
	streams map[string]*stream
	// byAddr finds a stream again by its key's address, without hashing
	// it: the sessions spell each key once (nil until the first stream).
	byAddr  *[streamCacheLen]streamCached
	log     eventLog
	pending []*pendingAppend
	snaps   map[string]snapshotRec
	outbox  []outboxRow
	// answers counts the answers to appends sent or lost.
	answers int
	// inline are the projectors whose read models are updated in the
	// append's transaction.
	inline []*Projector
	// strike counters of the fault knobs (nil: off)
	rollbacks, lostAnswers, lostByNumber *Strike
	// sentPrefix counts the leading outbox rows that are all sent.
	sentPrefix  int
	outboxLease sim.Time
	lease       struct {
		holder sim.NodeID
		until  sim.Time
		token  int64
	}
}

func newEventStore(cfg StoreConfig, h *history.History, rng *rand.Rand) *EventStore {
	return &EventStore{name: "event-store", cfg: cfg, hist: h, rng: rng, pools: &msgPools{}, streams: map[string]*stream{}, snaps: map[string]snapshotRec{}}
}

func (s *EventStore) stream(key string) *stream {
	if s.byAddr == nil {
		s.byAddr = new([streamCacheLen]streamCached)
	}
	p := unsafe.StringData(key)
	c := &s.byAddr[(uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15)>>(64-streamCacheBits)]
	if c.st != nil && unsafe.StringData(c.key) == p && len(c.key) == len(key) {
		return c.st
	}
	st := s.streams[key]
	if st == nil {
		st = &stream{}
		s.streams[key] = st
	}
	c.key, c.st = key, st
	return st
}

// streamCacheBits sets the entries of an event store's stream cache.
const (
	streamCacheBits = 6
	streamCacheLen  = 1 << streamCacheBits
)

// streamCached is an entry of the stream cache: a stream and its key.
type streamCached struct {
	key string
	st  *stream
}

// Events returns the committed events of a stream (for tests and tools).
func (s *EventStore) Events(key string) []StoredEvent {
	if st := s.streams[key]; st != nil {
		return slices.Clone(st.events.slice(0, st.events.len()))
	}
	return nil
}

// Head returns the highest committed position.
func (s *EventStore) Head() int64 {
	for i := s.log.len() - 1; i >= 0; i-- {
		if s.log.at(i).state == entryCommitted {
			return int64(i + 1)
		}
	}
	return 0
}

// settled reports whether no append is in flight.
func (s *EventStore) settled() bool { return len(s.pending) == 0 }

// Handle implements sim.Node.
func (s *EventStore) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindStoreRead:
		m := ev.Msg.(*storeReadMsg)
		st := s.stream(m.key)
		r := s.pools.readReplies.get()
		r.events = streamView{&st.events, st.events.len()}
		if snap, ok := s.snaps[m.key]; ok {
			r.snap = snap
			r.snapshot = &r.snap
		}
		w.Send(s.id, m.from, kindStoreReadReply, m.seq, 0, r)
		s.pools.reads.put(m)
	case kindStoreAppend:
		m := ev.Msg.(*appendMsg)
		st := s.stream(m.key)
		if st.busy {
			st.queue = append(st.queue, queuedAppend{m, ev.A})
			return
		}
		s.begin(w, st, m, ev.A)
	case kindStoreCommit:
		s.commit(w, ev.Msg.(*pendingAppend))
	case kindStoreReadAll:
		m := ev.Msg.(*readAllMsg)
		s.readAll(w, m)
		s.pools.readAlls.put(m)
	case kindStoreSnapshot:
		m := ev.Msg.(*snapshotMsg)
		if old, ok := s.snaps[m.key]; !ok || old.version < m.version {
			s.snaps[m.key] = m.snapshotRec
		}
	case kindOutboxClaim:
		s.claim(w, ev.Msg.(*claimMsg))
	case kindOutboxSent:
		s.markSent(ev.Msg.(*sentMsg).rows)
	default:
		panic(fmt.Sprintf("model: event store got unknown event kind %d", ev.Kind))
	}
}

// begin starts an append on a stream that is not busy: the idempotency
// check, the expected version check, then the transaction.
//
// The idempotency check is EventStoreDB's: with an expected version
// below the stream's, the batch's event ids are compared with the
// stream's events from that version on; with expected version any, from
// the event that has the batch's first id. If every event of the batch
// is there, the append succeeds with the events already stored; if only
// some are, or (with an expected version) none, it is refused as a
// wrong expected version.
func (s *EventStore) begin(w *sim.World, st *stream, m *appendMsg, seq int64) {
	cur := int64(st.events.len())
	from := -1
	if !m.expected.Any && m.expected.Version < cur {
		from = int(m.expected.Version)
	} else if m.expected.Any {
		if i, ok := st.idIndex()[m.events[0].ID]; ok {
			from = i
		}
	}
	if from >= 0 {
		n := 0
		for n < len(m.events) && from+n < st.events.len() && st.events.at(from+n).ID == m.events[n].ID {
			n++
		}
		if n < len(m.events) {
			s.reply(w, m, seq, appendReply{outcome: history.OutcomeConflict, version: cur})
			s.next(w, st)
			return
		}
		last := *st.events.at(from + n - 1)
		for _, e := range st.events.slice(from, from+n) {
			s.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.StoreDuplicate, Node: s.name, Key: m.key,
				Event: e.ID, Command: m.command, Version: e.Version, Position: e.Position})
		}
		s.reply(w, m, seq, appendReply{outcome: history.OutcomeOK, version: last.Version, position: last.Position,
			events: st.events.slice(from, int(last.Version))})
		s.next(w, st)
		return
	}
	if !m.expected.Any && m.expected.Version != cur {
		s.reply(w, m, seq, appendReply{outcome: history.OutcomeConflict, version: cur})
		s.next(w, st)
		return
	}
	st.busy = true
	p := s.pools.pending.get()
	p.m, p.seq, p.st = m, seq, st
	if s.cfg.Position == PositionReserved {
		for range m.events {
			s.log.add(logEntry{state: entryReserved})
			pos := int64(s.log.len())
			p.positions = append(p.positions, pos)
			s.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.StoreReserve, Node: s.name, Key: m.key,
				Command: m.command, Position: pos})
		}
	}
	s.pending = append(s.pending, p)
	d := s.cfg.CommitDelayMin
	if span := s.cfg.CommitDelayMax - s.cfg.CommitDelayMin; span > 0 {
		d += sim.Time(s.rng.Int64N(int64(span) + 1)).Duration()
	}
	for _, ip := range s.inline {
		d += ip.processing(len(m.events)).Duration()
	}
	w.After(s.id, sim.Time(d), kindStoreCommit, 0, 0, p)
}

// commit ends an append's transaction: a rollback, or the events become
// part of the stream and the global log at once.
func (s *EventStore) commit(w *sim.World, p *pendingAppend) {
	s.pending = slices.DeleteFunc(s.pending, func(q *pendingAppend) bool { return q == p })
	m, st := p.m, p.st
	if s.cfg.Rollback.Chance(s.rng) {
		s.rollbacks.strike()
		for _, pos := range p.positions {
			s.log.at(int(pos - 1)).state = entryRolledBack
		}
		r := history.Entry{At: int64(w.Now()), Kind: history.StoreRollback, Node: s.name, Key: m.key, Command: m.command}
		if len(p.positions) == 0 {
			s.hist.Put(&r)
		}
		for _, pos := range p.positions {
			r.Position = pos
			s.hist.Put(&r)
		}
		s.reply(w, m, p.seq, appendReply{outcome: history.OutcomeRolledBack, version: int64(st.events.len())})
		s.pools.pending.put(p)
		st.busy = false
		s.next(w, st)
		return
	}
	first := st.events.len()
	for i, e := range m.events {
		e.Stream, e.Command, e.CommittedAt = m.key, m.command, int64(w.Now())
		e.Version = int64(st.events.len() + 1)
		if len(p.positions) > 0 {
			e.Position = p.positions[i]
			*s.log.at(int(e.Position - 1)) = logEntry{st: st, idx: int32(st.events.len()), state: entryCommitted}
		} else {
			e.Position = int64(s.log.len() + 1)
			s.log.add(logEntry{st: st, idx: int32(st.events.len()), state: entryCommitted})
		}
		if st.ids != nil {
			st.ids[e.ID] = st.events.len()
		}
		st.events.add(e)
		if m.outbox {
			s.outbox = append(s.outbox, outboxRow{ev: e})
		}
		state, value := s.fold(w, st)
		s.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.StoreAppend, Node: s.name, Key: m.key, Event: e.ID,
			Type: e.Type, Amount: e.Amount, Payload: e.Payload, Version: e.Version, Position: e.Position, Command: m.command,
			Expected: m.expected.String(), Basis: m.basis, State: state, Value: value})
	}
	// The events just committed, shared with the stream: its later
	// appends go past their capacity.
	evs := st.events.slice(first, st.events.len())
	for _, ip := range s.inline {
		ip.applyInline(w, evs)
	}
	last := evs[len(evs)-1]
	s.reply(w, m, p.seq, appendReply{outcome: history.OutcomeOK, version: last.Version, position: last.Position, events: evs})
	s.pools.pending.put(p)
	st.busy = false
	s.next(w, st)
}

// fold returns the state of stream st after its last event, described,
// and its value: what the store records with each append, so that checks
// read the state an event left instead of applying the aggregate's rules
// themselves. A store without an aggregate records none.
func (s *EventStore) fold(w *sim.World, st *stream) (string, int64) {
	if s.env == nil || s.env.factory == nil {
		return "", 0
	}
	logic := s.env.logic(w.Now())
	agg := s.env.factory(logic)
	if st.logic != logic {
		st.state, st.logic = st.events.fold(agg, agg.Initial(), 0, st.events.len()), logic
	} else {
		st.state = agg.Apply(st.state, *st.events.at(st.events.len() - 1))
	}
	return agg.Describe(st.state), agg.Value(st.state)
}

// next starts the append queued behind the one that just finished.
func (s *EventStore) next(w *sim.World, st *stream) {
	for !st.busy && len(st.queue) > 0 {
		// shifted down, so that the queue keeps its array for the next
		// appends that wait
		q := st.queue[0]
		n := copy(st.queue, st.queue[1:])
		st.queue[n] = queuedAppend{}
		st.queue = st.queue[:n]
		s.begin(w, st, q.m, q.seq)
	}
}

// reply answers append request seq with a, unless the answer is lost,
// and lets go of the request's message: the store is done with it.
func (s *EventStore) reply(w *sim.World, m *appendMsg, seq int64, a appendReply) {
	defer s.pools.appends.release(m)
	s.answers++
	drawn := s.cfg.LostAnswer.Chance(s.rng)
	listed := slices.Contains(s.cfg.LoseAnswers, s.answers)
	if drawn {
		s.lostAnswers.strike()
	} else if listed {
		s.lostByNumber.strike()
	}
	if drawn || listed {
		s.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.LostAnswer, Node: s.name, Key: m.key,
			Command: m.command, Outcome: a.outcome, Position: a.position, Version: a.version})
		return
	}
	sent := s.pools.appendReplies.get()
	*sent = a
	w.Send(s.id, m.from, kindStoreAppendReply, seq, 0, sent)
}

// readAll answers a projector: the committed events after its checkpoint
// in position order, at most max, and the positions still in flight.
func (s *EventStore) readAll(w *sim.World, m *readAllMsg) {
	r := s.pools.readAllReps.get()
	r.head = int64(s.log.len())
	if n := min(int64(m.max), int64(s.log.len())-m.after); n > 0 {
		r.events = slices.Grow(r.events, int(n))
	}
	for i := m.after; i < int64(s.log.len()) && len(r.events) < m.max; i++ {
		if le := s.log.at(int(i)); le.state == entryCommitted {
			r.events = append(r.events, *le.event())
		}
	}
	for _, p := range s.pending {
		r.inFlight = append(r.inFlight, p.positions...)
	}
	slices.Sort(r.inFlight)
	w.Send(s.id, m.from, kindStoreReadAllReply, m.seq, 0, r)
}
