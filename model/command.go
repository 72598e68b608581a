package model

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// esEnv is what the event-sourced nodes share: where the store, the read
// models and the broker are, the aggregate logic and the history.
type esEnv struct {
	cfg     *ESConfig
	hist    *history.History
	store   sim.NodeID
	broker  sim.NodeID
	reads   map[string]sim.NodeID // projection -> read model node
	factory AggregateFactory
	// aggregate is the name the history records for the aggregate.
	aggregate string
	// folds are the projections of the read models, by name, and the
	// names the history records for them.
	folds     map[string]Projection
	foldNames map[string]string
	// storeNode is the store itself, for an in-place rebuild to see the
	// head it replays up to.
	storeNode *EventStore
	// pools are the messages the nodes hand back for reuse.
	pools msgPools
	// replays caches, per stream, the state the last full replay gave:
	// the simulator's own shortcut, invisible to the simulated system
	// (which loads from snapshots or replays, and records what it did).
	replays map[string]*foldCache
	// replayAt finds a stream's entry of replays again by its key's
	// address (nil until the first replay).
	replayAt *[streamCacheLen]replayCached
	// ids spells the sessions' command, query and event ids.
	ids idBlock
}

// replayCached is an entry of esEnv.replayAt.
type replayCached struct {
	key string
	c   *foldCache
}

// foldCache is the state of a stream's first version events under the
// apply logic logic. A stream's committed events never change, so a
// replay of a longer read of the stream folds only the events after them.
type foldCache struct {
	logic   int
	version int64
	state   any
}

// replay returns the state a full replay of events (a read of stream
// key) gives under logic: the cached state of a prefix, folded on.
func (e *esEnv) replay(agg Aggregate, logic int, key string, events streamView) any {
	if e.replayAt == nil {
		e.replayAt = new([streamCacheLen]replayCached)
	}
	p := unsafe.StringData(key)
	at := &e.replayAt[(uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15)>>(64-streamCacheBits)]
	var c *foldCache
	if at.c != nil && unsafe.StringData(at.key) == p && len(at.key) == len(key) {
		c = at.c
	} else {
		c = e.replays[key]
	}
	if c == nil {
		if e.replays == nil {
			e.replays = map[string]*foldCache{}
		}
		c = &foldCache{}
		e.replays[key] = c
		*c = foldCache{logic: logic, state: agg.Initial()}
	} else if c.logic != logic || c.version > int64(events.len()) {
		*c = foldCache{logic: logic, state: agg.Initial()}
	}
	at.key, at.c = key, c
	c.state = events.fold(agg, c.state, int(c.version))
	c.version = int64(events.len())
	return c.state
}

// logic returns the apply logic in force at now.
func (e *esEnv) logic(now sim.Time) int {
	if e.cfg.LogicChangeAt > 0 && now >= sim.Time(e.cfg.LogicChangeAt) {
		return 2
	}
	return 1
}

// load rebuilds an aggregate from a stream read: from the snapshot plus
// the tail when a usable snapshot exists (recording the load next to a
// full replay), else by a full replay.
func (e *esEnv) load(w *sim.World, node string, key string, r *storeReadReply) (any, int64) {
	logic := e.logic(w.Now())
	agg := e.factory(logic)
	version := int64(r.events.len())
	snap := r.snapshot
	if snap == nil || e.cfg.SnapshotStamp && snap.logic != logic || snap.version > version {
		return e.replay(agg, logic, key, r.events), version
	}
	state := r.events.fold(agg, snap.state, int(snap.version))
	replay := e.replay(agg, logic, key, r.events)
	e.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Load, Node: node, Key: key, Version: version,
		Basis: snap.version, State: agg.Describe(state), Replay: agg.Describe(replay), Logic: logic})
	return state, version
}

// write is what a session remembers of its last successful write to an
// aggregate: the token a read-your-writes query waits for.
type lastWrite struct{ version, position int64 }

// Session is one sequential session of a command client: it sends one
// command at a time (load or read, decide, append with an expected
// version, retry), records its invocation and its answer, and may read
// back after a write. Its counters survive a crash ([sessionDurable]);
// the command or query in hand and what it remembers of its writes do not
// ([sessionVolatile]).
type Session struct {
	id    sim.NodeID
	name  string
	index int
	cfg   ClientConfig
	env   *esEnv
	rng   *rand.Rand
	// queries, if set, makes this a query client session: it only asks.
	queries Consistency
	// asOf is how an as-of query client picks its times and replays.
	asOf AsOf
	// keys holds the key names the session has drawn, by number, spelled
	// once ("": not yet); nil when it draws from too many keys to keep.
	keys []string

	sessionDurable
	sessionVolatile
	// bufs hold the command and the query in hand (cur and query point
	// into them), their memory reused from one to the next.
	bufs struct {
		cmd     pendingCommand
		query   pendingQuery
		changes []Change // the changes of the last decision
	}
}

// sessionDurable is what a session keeps across a crash: the numbers of
// its commands and queries (their ids stay unique), its place in its
// script, and the number of its requests, which grows across lives so
// that an answer to an earlier request is dropped.
type sessionDurable struct {
	n    int
	step int
	seq  int64
}

// sessionVolatile is what a session loses in a crash.
type sessionVolatile struct {
	unacked int // publishes not acknowledged yet
	cur     *pendingCommand
	query   *pendingQuery
	writes  map[string]lastWrite
}

type pendingCommand struct {
	c        Command
	attempt  int
	unknown  bool
	state    any
	logic    int // the apply logic the state was built with
	basis    int64
	append   *appendMsg
	awaiting bool
}

type pendingQuery struct {
	id    string
	key   string
	mode  Consistency
	token int64
	// asOf is the past time an as-of query asks about, and logic the
	// apply logic its answer was folded with.
	asOf  int64
	logic int
}

// Handle implements sim.Node.
func (s *Session) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindSessionNext:
		s.start(w)
	case kindStoreReadReply:
		r := ev.Msg.(*storeReadReply)
		if ev.A == s.seq {
			s.read(w, r)
		}
		s.env.pools.readReplies.put(r)
	case kindQueryReply:
		r := ev.Msg.(*queryReply)
		if ev.A == s.seq {
			s.queried(w, r)
		}
		s.env.pools.queryReplies.put(r)
	case kindStoreAppendReply:
		r := ev.Msg.(*appendReply)
		if ev.A == s.seq && s.cur != nil && s.cur.awaiting {
			s.cur.awaiting = false
			s.appended(w, r)
		}
		s.env.pools.appendReplies.put(r)
	case kindSessionTimeout:
		if ev.A != s.seq || s.cur == nil || !s.cur.awaiting {
			return
		}
		s.cur.awaiting = false
		s.cur.unknown = true
		s.retry(w, history.OutcomeUnknown)
	case kindAck:
		m := ev.Msg.(*publishMsg)
		s.unacked = max(0, s.unacked-1)
		s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.PublishAck, Node: s.name, Topic: m.rec.Topic,
			Partition: int(ev.A), Offset: ev.B, Event: m.rec.ID, Key: m.rec.Key, Type: m.rec.Type, Amount: m.rec.Amount})
	default:
		panic(fmt.Sprintf("model: session %s got unknown event kind %d", s.name, ev.Kind))
	}
}

// read handles the store's answer to the session's read of a stream.
func (s *Session) read(w *sim.World, r *storeReadReply) {
	if s.query != nil && s.query.mode == ReadAsOf {
		s.answerAsOf(w, r.events)
		return
	}
	if s.query != nil {
		state, version := s.env.load(w, s.name, s.query.key, r)
		s.answer(w, s.env.factory(s.env.logic(w.Now())).Value(state), version, 0, history.OutcomeOK)
		return
	}
	if s.cur != nil {
		state, version := s.env.load(w, s.name, s.cur.c.Key, r)
		s.decide(w, state, version)
	}
}

// queried handles a read model's answer to the session's query.
func (s *Session) queried(w *sim.World, r *queryReply) {
	if s.query != nil {
		s.answer(w, r.value, r.version, r.checkpoint, r.outcome)
		return
	}
	if s.cur != nil {
		s.decide(w, s.env.factory(s.env.logic(w.Now())).FromRow(r.value, r.version), r.version)
	}
}

// schedule sets the timer for the next command after a think time drawn
// uniformly from [Interval/2, 3*Interval/2].
func (s *Session) schedule(w *sim.World) {
	var gap int64
	if iv := int64(s.cfg.Interval); iv > 0 {
		gap = iv/2 + s.rng.Int64N(iv+1)
	}
	w.After(s.id, sim.Time(gap), kindSessionNext, 0, 0, nil)
}

// start picks the next command and invokes it.
func (s *Session) start(w *sim.World) {
	if s.cfg.Stop > 0 && w.Now() >= sim.Time(s.cfg.Stop) {
		return
	}
	if start := sim.Time(s.cfg.Start); w.Now() < start {
		w.After(s.id, start-w.Now(), kindSessionNext, 0, 0, nil)
		return
	}
	if s.queries != "" {
		s.ask(w, s.keyName(s.rng.IntN(s.cfg.Keys)), s.queries)
		return
	}
	var c Command
	if len(s.cfg.Script) > 0 {
		if s.index != 0 || s.step >= len(s.cfg.Script) {
			return
		}
		st := s.cfg.Script[s.step]
		s.step++
		c = Command{Type: st.Type, Key: st.Key, Amount: st.Amount, Payload: st.Payload}
	} else {
		total := 0
		for _, cs := range s.cfg.Commands {
			total += cs.Weight
		}
		pick := s.rng.IntN(total)
		spec := s.cfg.Commands[0]
		for _, cs := range s.cfg.Commands {
			if pick < cs.Weight {
				spec = cs
				break
			}
			pick -= cs.Weight
		}
		c = Command{Type: spec.Type, Key: s.keyName(s.rng.IntN(s.cfg.Keys)), Amount: spec.AmountMin, Payload: spec.Payload}
		if span := spec.AmountMax - spec.AmountMin; span > 0 {
			c.Amount += s.rng.Int64N(span + 1)
		}
	}
	s.n++
	c.ID = s.env.ids.numbered(s.name, "-c", s.n)
	s.bufs.cmd = pendingCommand{c: c, attempt: 1}
	s.cur = &s.bufs.cmd
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Command, Node: s.name, Command: c.ID, Key: c.Key,
		Type: c.Type, Amount: c.Amount, Payload: c.Payload, Attempt: 1, Mode: history.Mode(s.cfg.Validate)})
	s.load(w)
}

// load asks for the state to decide on: the stream, or a read model row.
func (s *Session) load(w *sim.World) {
	s.seq++
	if s.cfg.Validate == ValidateReadModel {
		s.sendQuery(w, queryMsg{from: s.id, seq: s.seq, key: s.cur.c.Key, mode: ReadEventual})
		return
	}
	s.readStream(w, s.cur.c.Key)
}

// decide runs the aggregate's decision on the loaded state and appends the
// events, or answers the rejection.
func (s *Session) decide(w *sim.World, state any, version int64) {
	cur := s.cur
	agg := s.env.factory(s.env.logic(w.Now()))
	changes, reason := domain.DecideInto(agg, s.bufs.changes[:0], state, cur.c)
	if cap(changes) > cap(s.bufs.changes) {
		s.bufs.changes = changes[:0]
	}
	if reason != "" {
		s.finish(w, history.Entry{Outcome: history.OutcomeRejected, Reason: reason, Value: agg.Value(state), Version: version})
		return
	}
	if len(changes) == 0 {
		// Accepted with nothing to change (a command already in effect):
		// nothing is appended, and it answers the value it saw, with no
		// version, as it wrote none.
		s.finish(w, history.Entry{Outcome: history.OutcomeOK, Value: agg.Value(state)})
		return
	}
	cur.state, cur.basis, cur.logic = state, version, s.env.logic(w.Now())
	s.dropAppend()
	m := s.env.pools.appends.get()
	m.from, m.key, m.basis, m.command = s.id, cur.c.Key, version, cur.c.ID
	m.outbox = s.env.cfg.Outbox.Mode == PublishOutbox
	if s.cfg.Concurrency == ConcurrencyAny {
		m.expected = Expected{Any: true}
	} else {
		m.expected = Expected{Version: version}
	}
	for i, ch := range changes {
		if !utf8.ValidString(ch.Payload) {
			// a bug of the aggregate, which ends the run as a handler's
			// panic does: the history could not keep the payload
			panic(fmt.Errorf("model: the aggregate's Decide on command %s (%s to %s) at +%v returned event %s with a payload that is not valid UTF-8: the history's JSON Lines would change it; encode binary data (base64, say)",
				cur.c.ID, cur.c.Type, cur.c.Key, w.Now().Duration(), ch.Type))
		}
		id := s.env.ids.numbered(cur.c.ID, "/e", i+1)
		if s.cfg.RetryIDs == RetryNewIDs {
			id = cur.c.ID + "." + strconv.Itoa(cur.attempt) + "/e" + strconv.Itoa(i+1)
		}
		m.events = append(m.events, StoredEvent{ID: id, Stream: cur.c.Key, Type: ch.Type, Amount: ch.Amount, Payload: ch.Payload, Command: cur.c.ID,
			OccurredAt: int64(w.Now())})
	}
	cur.append = m
	if s.env.cfg.Outbox.Mode == PublishBeforeCommit {
		s.publish(w, m.events)
		crashPoint(w, s.id, PointAfterPublish)
	}
	s.send(w)
}

// dropAppend lets go of the append of the command in hand, if any.
func (s *Session) dropAppend() {
	if s.cur != nil && s.cur.append != nil {
		s.env.pools.appends.release(s.cur.append)
		s.cur.append = nil
	}
}

// send sends the pending append and arms its timeout.
func (s *Session) send(w *sim.World) {
	s.seq++
	s.cur.awaiting = true
	s.env.pools.appends.hold(s.cur.append)
	w.Send(s.id, s.env.store, kindStoreAppend, s.seq, 0, s.cur.append)
	timeout := s.cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultClientTimeout
	}
	w.After(s.id, sim.Time(timeout), kindSessionTimeout, s.seq, 0, nil)
}

// appended handles the store's answer to an append.
func (s *Session) appended(w *sim.World, r *appendReply) {
	cur := s.cur
	if r.outcome != history.OutcomeOK {
		s.retry(w, r.outcome)
		return
	}
	crashPoint(w, s.id, PointAfterAppend)
	if s.env.cfg.Outbox.Mode == PublishAfterCommit {
		s.publish(w, r.events)
	}
	// The state and the snapshot follow the logic the command decided
	// with, even if the logic changed while the append was in flight.
	agg := s.env.factory(cur.logic)
	state := fold(agg, cur.state, cur.append.events)
	if n := int64(s.env.cfg.SnapshotEvery); n > 0 && cur.basis+int64(len(cur.append.events)) == r.version &&
		r.version/n > cur.basis/n {
		w.Send(s.id, s.env.store, kindStoreSnapshot, 0, 0, &snapshotMsg{key: cur.c.Key,
			snapshotRec: snapshotRec{version: r.version, state: state, logic: cur.logic}})
		s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Snapshot, Node: s.name, Key: cur.c.Key,
			Version: r.version, State: agg.Describe(state), Logic: cur.logic})
	}
	if s.writes == nil {
		s.writes = map[string]lastWrite{}
	}
	s.writes[cur.c.Key] = lastWrite{version: r.version, position: r.position}
	s.finish(w, history.Entry{Outcome: history.OutcomeOK, Version: r.version, Position: r.position, Value: agg.Value(state)})
}

// retry tries the command again after a conflict, a rollback or a lost
// answer, or gives up.
func (s *Session) retry(w *sim.World, outcome history.Outcome) {
	cur := s.cur
	if cur.attempt > s.cfg.Retries {
		if cur.unknown {
			outcome = history.OutcomeUnknown
		}
		s.finish(w, history.Entry{Outcome: outcome})
		return
	}
	cur.attempt++
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Command, Node: s.name, Command: cur.c.ID, Key: cur.c.Key,
		Type: cur.c.Type, Amount: cur.c.Amount, Payload: cur.c.Payload, Attempt: cur.attempt, Mode: history.Mode(s.cfg.Validate), Outcome: outcome})
	if outcome == history.OutcomeUnknown && s.cfg.RetryIDs == RetrySameIDs {
		s.send(w)
		return
	}
	s.load(w)
}

// finish records the command's answer and moves on: a read after the
// write, or the next command.
func (s *Session) finish(w *sim.World, r history.Entry) {
	c := s.cur.c
	r.At, r.Kind, r.Node, r.Command, r.Key, r.Type, r.Amount = int64(w.Now()), history.CommandReturn, s.name, c.ID, c.Key, c.Type, c.Amount
	r.Attempt, r.Mode = s.cur.attempt, history.Mode(s.cfg.Validate)
	s.env.hist.Put(&r)
	s.dropAppend()
	s.cur = nil
	if r.Outcome == history.OutcomeOK && s.cfg.ReadAfterWrite != ReadNone && s.cfg.ReadAfterWrite != "" {
		s.ask(w, c.Key, s.cfg.ReadAfterWrite)
		return
	}
	s.schedule(w)
}

// ask sends a query about key with the given consistency.
func (s *Session) ask(w *sim.World, key string, mode Consistency) {
	s.n++
	s.bufs.query = pendingQuery{id: s.env.ids.numbered(s.name, "-q", s.n), key: key, mode: mode}
	q := &s.bufs.query
	group := s.cfg.Projection
	if mode == ReadYourWrites {
		wr := s.writes[key]
		q.token = wr.position
		if s.cfg.Token == TokenVersion {
			q.token = wr.version
		}
	}
	if mode == ReadStrong || mode == ReadAsOf {
		group = ""
	}
	if mode == ReadAsOf {
		q.asOf = s.asOfTime(w)
	}
	s.query = q
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Query, Node: s.name, Command: q.id, Key: key,
		Group: group, Mode: history.Mode(mode), Token: q.token, Until: q.asOf})
	s.seq++
	if mode == ReadStrong || mode == ReadAsOf {
		s.readStream(w, key)
		return
	}
	s.sendQuery(w, queryMsg{from: s.id, seq: s.seq, key: key, mode: mode, token: q.token, noCheckpoint: s.cfg.NoCheckpoint})
}

// readStream asks the store for stream key, as request s.seq.
func (s *Session) readStream(w *sim.World, key string) {
	m := s.env.pools.reads.get()
	m.from, m.seq, m.key = s.id, s.seq, key
	w.Send(s.id, s.env.store, kindStoreRead, s.seq, 0, m)
}

// sendQuery sends q to the session's read model.
func (s *Session) sendQuery(w *sim.World, q queryMsg) {
	m := s.env.pools.queries.get()
	*m = q
	w.Send(s.id, s.env.reads[s.cfg.Projection], kindQueryRead, s.seq, 0, m)
}

// answer records the answer to the pending query and moves on.
func (s *Session) answer(w *sim.World, value, version, checkpoint int64, outcome history.Outcome) {
	q := s.query
	group := s.cfg.Projection
	if q.mode == ReadStrong || q.mode == ReadAsOf {
		group = ""
	}
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.QueryReturn, Node: s.name, Command: q.id, Key: q.key,
		Group: group, Mode: history.Mode(q.mode), Token: q.token, Until: q.asOf, Logic: q.logic, Value: value, Version: version, Position: checkpoint, Outcome: outcome})
	s.query = nil
	s.schedule(w)
}

// publish sends events to the broker's topic directly (dual write).
func (s *Session) publish(w *sim.World, events []StoredEvent) {
	s.unacked += len(events)
	publishEvents(w, s.id, s.name, s.env, events)
}

// publishEvents records and sends a publish of each event to the outbox topic.
func publishEvents(w *sim.World, from sim.NodeID, name string, env *esEnv, events []StoredEvent) {
	for _, e := range events {
		rec := Record{ID: e.ID, Key: e.Stream, Type: e.Type, Amount: e.Amount, Payload: e.Payload, Topic: env.cfg.Outbox.Topic}
		env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Publish, Node: name, Topic: rec.Topic,
			Event: rec.ID, Key: rec.Key, Type: rec.Type, Amount: rec.Amount, Payload: rec.Payload})
		w.Send(from, env.broker, kindPublish, 0, 0, &publishMsg{from: from, rec: rec})
	}
}

// Crash implements sim.Crasher: the command in hand is abandoned, its
// outcome unknown to the client.
func (s *Session) Crash(w *sim.World, point string) {
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: s.name, CrashPoint: history.CrashPoint(point)})
	if s.cur != nil {
		c := s.cur.c
		s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.CommandReturn, Node: s.name, Command: c.ID,
			Key: c.Key, Type: c.Type, Amount: c.Amount, Attempt: s.cur.attempt, Mode: history.Mode(s.cfg.Validate), Outcome: history.OutcomeUnknown})
	}
	if s.query != nil {
		q := s.query
		s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.QueryReturn, Node: s.name, Command: q.id,
			Key: q.key, Mode: history.Mode(q.mode), Outcome: history.OutcomeUnknown})
	}
	s.dropAppend()
	s.sessionVolatile = sessionVolatile{}
}

// Restart implements sim.Restarter: the session goes on with new commands.
func (s *Session) Restart(w *sim.World) {
	s.env.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: s.name})
	s.schedule(w)
}
