package model

import (
	"cmp"
	"fmt"
	"time"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// ESSystem is the event-sourced part of a system built inside a world,
// beside the pub/sub [System]: the event store, command and query
// sessions, projectors, read models and outbox relays.
type ESSystem struct {
	World      *sim.World
	History    *history.History
	Store      *EventStore
	Sessions   []*Session
	Projectors []*Projector
	ReadModels []*ReadModel
	Relays     []*Relay
	// DBs holds each projection's read model database, by name.
	DBs   map[string]*DB
	env   *esEnv
	knobs knobs
}

// Strikes reports how often each fault knob of the event store that is
// on (rollback, lost-answer, lose-answers) struck so far. A nil ESSystem
// has none.
func (e *ESSystem) Strikes() []Strike {
	if e == nil {
		return nil
	}
	return e.knobs.strikes()
}

// BuildES validates cfg and adds the event-sourced nodes to w, after the
// pub/sub system sys (which owns the broker the outbox publishes to):
// the store, then per projection its read model and projector (and a
// rebuilder), then the command sessions, the query sessions and the
// relays. It returns nil and no error when cfg has no event-sourced part.
func BuildES(w *sim.World, cfg ESConfig, h *history.History, sys *System) (*ESSystem, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Outbox.Mode != PublishNone && (sys == nil || sys.Broker.topic(cfg.Outbox.Topic) == nil) {
		return nil, fmt.Errorf("outbox: unknown topic %q", cfg.Outbox.Topic)
	}
	if cfg.Outbox.Mode != PublishNone && sys.Broker.topic(cfg.Outbox.Topic).repl != nil {
		return nil, fmt.Errorf("outbox: topic %q is replicated; publishing to a replicated topic from the event store is not modelled yet", cfg.Outbox.Topic)
	}
	for _, pc := range cfg.Projectors {
		if pc.Source == SourceTopic && (sys == nil || sys.Broker.topic(pc.Topic) == nil) {
			return nil, fmt.Errorf("projection %q: unknown topic %q", pc.Name, pc.Topic)
		}
	}
	factory, aggName := cfg.Custom, cfg.Aggregate
	if factory == nil {
		factory, _ = domain.Lookup(cfg.Aggregate)
	} else if aggName == "" {
		aggName = "custom"
	}
	e := &ESSystem{World: w, History: h, DBs: map[string]*DB{}}
	if sys != nil {
		sys.es = e
	}
	env := &esEnv{cfg: &cfg, hist: h, reads: map[string]sim.NodeID{}, factory: factory, aggregate: aggName,
		folds: map[string]Projection{}, foldNames: map[string]string{}}
	e.env = env
	if sys != nil {
		env.broker = sys.Broker.id
	}
	st := newEventStore(cfg.Store, h, w.Stream())
	st.env, st.pools = env, &env.pools
	st.rollbacks = e.knobs.ratio(st.name, "rollback", cfg.Store.Rollback)
	st.lostAnswers = e.knobs.ratio(st.name, "lost-answer", cfg.Store.LostAnswer)
	st.lostByNumber = e.knobs.exact(st.name, "lose-answers", cfg.Store.LoseAnswers)
	st.outboxLease = sim.Time(cfg.Outbox.Lease)
	st.id = w.Add(st.name, st)
	env.store, env.storeNode, e.Store = st.id, st, st
	for _, pc := range cfg.Projectors {
		db := NewDB()
		e.DBs[pc.Name] = db
		rm := &ReadModel{name: pc.Name, db: db, hist: h, pools: &env.pools, topic: pc.Source == SourceTopic}
		rm.id = w.Add(pc.Name+"-reads", rm)
		env.reads[pc.Name] = rm.id
		e.ReadModels = append(e.ReadModels, rm)
		fold, foldName := projectionOf(pc, factory, aggName)
		if pc.SkipUpcast {
			fold, _ = domain.WithoutUpcaster(fold)
		}
		env.folds[pc.Name], env.foldNames[pc.Name] = fold, foldName
		live := &Projector{name: pc.Name, cfg: pc, env: env, db: db, rng: w.Stream(), projectorDurable: projectorDurable{role: roleLive, effects: true, handles: pc.Handles}}
		if pc.Source == SourceTopic {
			live.feed = newTopicFeed(pc.Name, sys.Broker.topic(pc.Topic))
		}
		live.id = w.Add(live.name, live)
		e.Projectors = append(e.Projectors, live)
		if pc.Inline {
			live.stopped = true
			st.inline = append(st.inline, live)
		}
		switch {
		case pc.RebuildAt <= 0:
		case pc.Rebuild == RebuildInPlace:
			r := &Projector{name: pc.Name + "-rebuild", cfg: pc, env: env, db: db, rng: w.Stream(), projectorDurable: projectorDurable{role: roleInPlace, effects: true, stopped: true}}
			r.id = w.Add(r.name, r)
			e.Projectors = append(e.Projectors, r)
		case pc.Rebuild == RebuildBlueGreen:
			r := &Projector{name: pc.Name + "-green", cfg: pc, env: env, db: db, rng: w.Stream(), projectorDurable: projectorDurable{role: roleGreen, gen: 1, stopped: true}}
			r.id = w.Add(r.name, r)
			e.Projectors = append(e.Projectors, r)
		}
	}
	for _, cc := range cfg.Clients {
		if cc.Prefix == "" {
			cc.Prefix = defaultPrefix(cfg.Aggregate)
		}
		for i := 0; i < cc.Sessions; i++ {
			s := &Session{name: fmt.Sprintf("%s-%d", cc.Name, i), index: i, cfg: cc, env: env, rng: w.Stream()}
			s.id = w.Add(s.name, s)
			e.Sessions = append(e.Sessions, s)
		}
	}
	for _, qc := range cfg.Queries {
		cc := ClientConfig{Name: qc.Name, Sessions: qc.Sessions, Keys: qc.Keys, Prefix: qc.Prefix, Interval: qc.Interval,
			Projection: qc.Projection, Stop: qc.Stop}
		if cc.Prefix == "" {
			cc.Prefix = defaultPrefix(cfg.Aggregate)
		}
		for i := 0; i < qc.Sessions; i++ {
			s := &Session{name: fmt.Sprintf("%s-%d", qc.Name, i), index: i, cfg: cc, env: env, rng: w.Stream(), queries: qc.Consistency, asOf: qc.AsOf}
			s.id = w.Add(s.name, s)
			e.Sessions = append(e.Sessions, s)
		}
	}
	if cfg.Outbox.Mode == PublishOutbox {
		for i := 0; i < max(1, cfg.Outbox.Relays); i++ {
			r := &Relay{name: fmt.Sprintf("relay-%d", i), env: env}
			r.id = w.Add(r.name, r)
			e.Relays = append(e.Relays, r)
		}
	}
	return e, nil
}

// projectionOf returns the projection of read model pc and the name the
// history records for it: its Custom one, a registered one, or the
// projection of the store's aggregate by its name: one registered under
// that name, else its value projection (apply logic 1). The checks
// resolve the recorded name the same way.
func projectionOf(pc ProjectorConfig, factory AggregateFactory, aggregate string) (Projection, string) {
	switch {
	case pc.Custom != nil:
		return pc.Custom, cmp.Or(pc.Projection, "custom")
	case pc.Projection != "":
		p, _ := domain.LookupProjection(pc.Projection)
		return p, pc.Projection
	}
	if p, ok := domain.LookupProjection(aggregate); ok {
		if _, value := p.(domain.ValueProjection); !value {
			return p, aggregate
		}
	}
	return domain.ValueProjection{Aggregate: factory(1)}, aggregate
}

// defaultPrefix names the aggregates of a client that names none: "acct-"
// for the account, NAME- for any other.
func defaultPrefix(aggregate string) string {
	if aggregate == "" || aggregate == "account" {
		return "acct-"
	}
	return aggregate + "-"
}

// Start records the publishers of the store's events (history.StorePublisher),
// each read model's staleness SLO and, for a read model fed by a topic,
// its subscription (a history.Subscribe record of Style "projection"), and
// sets every session, projector and relay going. A nil
// ESSystem does nothing.
func (e *ESSystem) Start() {
	if e == nil {
		return
	}
	w := e.World
	e.declarePublishers(w)
	e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.StoreAggregate, Node: e.Store.name, Type: e.env.aggregate})
	for _, p := range e.Projectors {
		switch p.role {
		case roleLive:
			e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.ReadModelProjection, Node: p.name, Group: p.cfg.Name,
				Type: e.env.foldNames[p.cfg.Name]})
			if p.feed != nil {
				e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.Subscribe, Node: p.name, Group: p.cfg.Name,
					Topic: p.feed.topic.name, Style: history.StyleProjection})
			}
			if p.cfg.StalenessSLO > 0 {
				e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.StalenessSLO, Node: p.name, Group: p.cfg.Name,
					SLO: int64(p.cfg.StalenessSLO)})
			}
			w.After(p.id, sim.Time(p.cfg.StartAt), kindProjectorPoll, 0, 0, nil)
			if p.cfg.RebuildAt > 0 && p.cfg.Rebuild == RebuildStopFirst {
				w.After(p.id, sim.Time(p.cfg.RebuildAt), kindProjectorRebuild, 0, 0, nil)
			}
		default:
			w.After(p.id, sim.Time(p.cfg.RebuildAt), kindProjectorRebuild, 0, 0, nil)
		}
	}
	for _, s := range e.Sessions {
		s.schedule(w)
	}
	for _, r := range e.Relays {
		w.After(r.id, 0, kindRelayPoll, 0, 0, nil)
	}
}

// CaughtUp reports whether the event-sourced parts have settled: no append
// in flight, no session waiting, every active projection checkpointed at
// the store's head (a projection of a topic: at the end of every
// partition), every outbox row sent, every node up.
func (e *ESSystem) CaughtUp() bool {
	if e == nil {
		return true
	}
	if !e.Store.settled() || e.Store.sentPrefix < len(e.Store.outbox) {
		return false
	}
	head := e.Store.Head()
	for _, s := range e.Sessions {
		if s.cur != nil || s.query != nil || s.unacked > 0 || !e.World.Up(s.id) {
			return false
		}
	}
	for _, p := range e.Projectors {
		if !e.World.Up(p.id) {
			return false
		}
		if p.role == roleInPlace && !p.stopped {
			return false
		}
		if p.role == roleGreen {
			return false
		}
		if p.feed != nil && !p.feed.caughtUp(p.db) {
			return false
		}
	}
	for _, rm := range e.ReadModels {
		if rm.topic {
			continue
		}
		cp, _ := rm.db.Get(checkpointTable, tablesOf(rm.name, activeGen(rm.db)).checkpointKey)
		if cp < head {
			return false
		}
	}
	for _, r := range e.Relays {
		if !e.World.Up(r.id) {
			return false
		}
	}
	return true
}

// Drain runs the world until both the pub/sub system and the event-sourced
// parts have caught up, checking every step, or until limit more simulated
// time has passed. It records the End of the run and reports whether the
// system drained. With no event-sourced parts it is sys.Drain.
func (e *ESSystem) Drain(sys *System, step, limit time.Duration) bool {
	if e == nil {
		return sys.Drain(step, limit)
	}
	w := e.World
	deadline := w.Now() + sim.Time(limit)
	caught := func() bool { return sys.CaughtUp() && e.CaughtUp() }
	drained := caught()
	for !drained && w.Now() < deadline {
		stop := w.Run(min(w.Now()+sim.Time(step), deadline), 0)
		drained = caught()
		if stop == sim.Drained || stop == sim.Halted {
			break
		}
	}
	e.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.End, Drained: drained})
	return drained
}
