package model

import (
	"fmt"
	"time"

	"evsim/model/history"
	"evsim/sim"
)

// System is a built pub/sub system inside a world.
type System struct {
	World     *sim.World
	History   *history.History
	Broker    *Broker
	Producers []*Producer
	Members   []*Member
	// DBs holds each consumer group's database, by group name.
	DBs map[string]*DB
}

// Build validates cfg and adds its nodes to w: the broker first, then the
// producers, then the members of each group, in configuration order. Every
// part records into h. Call [System.Start] to set it going.
func Build(w *sim.World, cfg Config, h *history.History) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	lmin, lmax := cfg.LatencyMin, cfg.LatencyMax
	if lmin == 0 && lmax == 0 {
		lmin, lmax = DefaultLatencyMin, DefaultLatencyMax
	}
	w.Network().Default = sim.Link{LatencyMin: sim.Time(lmin), LatencyMax: sim.Time(max(lmin, lmax))}
	s := &System{World: w, History: h, DBs: map[string]*DB{}}
	b := newBroker(h)
	b.id = w.Add("broker", b)
	s.Broker = b
	for _, t := range cfg.Topics {
		b.topics = append(b.topics, &topic{name: t.Name, partitions: make([]partitionLog, t.Partitions)})
	}
	for _, pc := range cfg.Producers {
		p := &Producer{cfg: pc, broker: b.id, hist: h, rng: w.Stream()}
		p.id = w.Add(pc.Name, p)
		s.Producers = append(s.Producers, p)
	}
	for _, gc := range cfg.Consumers {
		if gc.Batch == 0 {
			gc.Batch = DefaultBatch
		}
		if gc.PollInterval == 0 {
			gc.PollInterval = DefaultPollInterval
		}
		t := b.topic(gc.Topic)
		g := &group{name: gc.Group, topic: t, committed: make([]int64, len(t.partitions)),
			attempts: make([][]uint16, len(t.partitions))}
		b.groups = append(b.groups, g)
		t.groups = append(t.groups, g)
		db := NewDB()
		s.DBs[gc.Group] = db
		handler := gc.Custom
		if handler == nil {
			handler = Handlers[gc.Handler]
		}
		for i := 0; i < gc.Members; i++ {
			m := &Member{name: fmt.Sprintf("%s-%d", gc.Group, i), index: i, cfg: gc, handler: handler, group: g,
				broker: b.id, db: db, hist: h, rng: w.Stream()}
			m.id = w.Add(m.name, m)
			g.members = append(g.members, m.id)
			s.Members = append(s.Members, m)
		}
	}
	return s, nil
}

// Start records the subscriptions, starts the producers' timers and lets
// every member join its group.
func (s *System) Start() {
	w := s.World
	for _, g := range s.Broker.groups {
		s.History.Add(history.Record{At: int64(w.Now()), Kind: history.Subscribe, Group: g.name, Topic: g.topic.name})
	}
	for _, p := range s.Producers {
		p.schedule(w)
	}
	for _, m := range s.Members {
		m.join(w)
	}
}

// Targets returns the nodes a fault target names: a group name means every
// member of the group; otherwise the node of that name.
func (s *System) Targets(name string) ([]sim.NodeID, error) {
	if g := s.Broker.group(name); g != nil {
		return g.members, nil
	}
	if id, ok := s.World.Lookup(name); ok {
		return []sim.NodeID{id}, nil
	}
	return nil, fmt.Errorf("unknown fault target %q: want a consumer group or a node name", name)
}

// CaughtUp reports whether every group has committed the end of every
// partition of its topic and every member is up.
func (s *System) CaughtUp() bool {
	for _, g := range s.Broker.groups {
		for p := range g.topic.partitions {
			if g.committed[p] != int64(len(g.topic.partitions[p].records)) {
				return false
			}
		}
		for _, id := range g.members {
			if !s.World.Up(id) {
				return false
			}
		}
	}
	return true
}

// Drain runs the world until every group has caught up, checking every
// step, or until limit more simulated time has passed. It records the End
// of the run and reports whether the system drained.
func (s *System) Drain(step, limit time.Duration) bool {
	w := s.World
	deadline := w.Now() + sim.Time(limit)
	drained := s.CaughtUp()
	for !drained && w.Now() < deadline {
		stop := w.Run(min(w.Now()+sim.Time(step), deadline), 0)
		drained = s.CaughtUp()
		if stop == sim.Drained {
			break
		}
	}
	s.History.Add(history.Record{At: int64(w.Now()), Kind: history.End, Drained: drained})
	return drained
}
