package model

import (
	"fmt"
	"strconv"
	"time"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// System is a built pub/sub system inside a world.
type System struct {
	World     *sim.World
	History   *history.History
	Broker    *Broker
	Producers []*Producer
	// TxnProducers are the transactional producers.
	TxnProducers []*TxnProducer
	Members      []*Member
	// DBs holds each consumer group's database, by group name.
	DBs map[string]*DB
	// Deliveries counts the records handed to a member's handler so far
	// (the history's Deliver records).
	Deliveries uint64

	stall   StallHook
	knobs   knobs
	control *control
	started []sim.Time     // per member: when it first joins
	subs    []subscription // one per consumer entry
	// es is the event-sourced system built after this one, if any: its
	// memory is released with this one's.
	es *ESSystem
}

type subscription struct {
	g       *group
	service string
	// stateful says that the service's handler reports its state ([Stater]).
	stateful bool
	// slo is the service's lag SLO ([ConsumerConfig.LagSLO]).
	slo time.Duration
}

// StallHook decides, as a member starts handling a record, whether it
// stalls there (a long GC-like pause) and for how long; 0 means no stall.
type StallHook interface {
	Stall(w *sim.World, node sim.NodeID, point string) sim.Time
}

// SetStallHook installs the hook members ask before each record. A hook
// that says it never stalls ([StallHook] with a StallsNever method that
// reports true) is not installed: it would answer 0 to every record, and
// a member with no hook may handle its batches through its instant path.
func (s *System) SetStallHook(h StallHook) {
	if n, ok := h.(interface{ StallsNever() bool }); ok && n.StallsNever() {
		h = nil
	}
	s.stall = h
}

// PowerLossHook says whether the crash of a broker of the cluster that is
// under way cut its power (it then loses what its operating system had
// not written to disk) or only killed its process.
type PowerLossHook interface {
	PowerLoss(w *sim.World, node sim.NodeID) bool
}

// SetPowerLossHook installs the hook a crashing broker of the cluster
// asks.
func (s *System) SetPowerLossHook(h PowerLossHook) {
	if s.Broker.cluster != nil {
		s.Broker.cluster.power = h
	}
}

// IsBroker reports whether node id is a broker of the cluster.
func (s *System) IsBroker(id sim.NodeID) bool {
	if c := s.Broker.cluster; c != nil {
		for _, r := range c.brokers {
			if r.id == id {
				return true
			}
		}
	}
	return false
}

// Build validates cfg and adds its nodes to w: the broker first, then the
// producers, then the members of each consumer entry, in configuration
// order, then a control node that runs scheduled actions. Every part
// records into h. Call [System.Start] to set it going.
func Build(w *sim.World, cfg Config, h *history.History) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	lmin, lmax := cfg.LatencyMin, cfg.LatencyMax
	if lmin == 0 && lmax == 0 {
		lmin, lmax = DefaultLatencyMin, DefaultLatencyMax
	}
	w.Network().Default = sim.Link{LatencyMin: sim.Time(lmin), LatencyMax: sim.Time(max(lmin, lmax)), FIFO: true}
	s := &System{World: w, History: h, DBs: map[string]*DB{}}
	b := newBroker(h)
	b.id = w.Add("broker", b)
	s.Broker = b
	brokers := 0
	for _, t := range cfg.Topics {
		b.topics = append(b.topics, &topic{name: t.Name, hname: history.NewName(t.Name), partitions: make([]partitionLog, t.Partitions),
			retention: sim.Time(t.Retention), cfg: t})
		if t.replicated() {
			brokers = max(brokers, t.ReplicationFactor)
		}
	}
	if brokers > 0 {
		b.cluster = newCluster(w, b.topics, brokers, h)
	}
	for _, pc := range cfg.Producers {
		if pc.TransactionalID != "" {
			s.TxnProducers = append(s.TxnProducers, newTxnProducer(w, pc, b, h))
			continue
		}
		s.Producers = append(s.Producers, newProducer(w, pc, b, h, &s.knobs))
	}
	for _, gc := range cfg.Consumers {
		gc = gc.withDefaults()
		g := b.group(gc.Group)
		if g == nil {
			t := b.topic(gc.Topic)
			g = &group{name: gc.Group, hname: history.NewName(gc.Group), idx: len(b.groups), topic: t, cfg: gc, committed: make([]int64, len(t.partitions)),
				attempts: make([][]uint16, len(t.partitions))}
			g.resolved = make([]int64, len(t.partitions))
			for p := range g.committed {
				g.committed[p], g.resolved[p] = -1, -1
			}
			if gc.Style == StyleQueue {
				g.queue = newQueueState(len(t.partitions))
			}
			g.fenceKeys = make([]string, len(t.partitions))
			for p := range g.fenceKeys {
				g.fenceKeys[p] = t.name + "/" + strconv.Itoa(p)
			}
			b.groups = append(b.groups, g)
			t.groups = append(t.groups, g)
			s.DBs[gc.Group] = NewDB()
		}
		handler := gc.Custom
		if handler == nil {
			handler = Handlers[gc.Handler]
		}
		stater, _ := handler.(Stater)
		service := gc.Service
		if service == gc.Group {
			service = ""
		}
		s.subs = append(s.subs, subscription{g, service, stater != nil, gc.LagSLO})
		failures := s.knobs.ratio(gc.Service, "failures", gc.Failures)
		for i := 0; i < gc.Members; i++ {
			m := &Member{name: memberName(gc.Service, i), service: service, hservice: history.NewName(service), cfg: gc, stater: stater, g: g, broker: b.id,
				db: s.DBs[gc.Group], hist: h, rng: w.Stream(), sys: s, failures: failures,
				src: sourceOf(gc.Style), run: handlingOf(handler), commit: commitPolicies[gc.Commit]}
			if gc.Output != "" {
				m.out = b.topic(gc.Output)
			}
			m.hname = history.NewName(m.name)
			m.id = w.Add(m.name, m)
			g.nodes = append(g.nodes, m.id)
			s.Members = append(s.Members, m)
			s.started = append(s.started, sim.Time(gc.Start))
		}
	}
	s.control = &control{}
	s.control.id = w.Add("control", s.control)
	return s, nil
}

// Start records the subscriptions, starts the producers' timers and lets
// every member join its group (at its Start time).
func (s *System) Start() {
	w := s.World
	for _, sub := range s.subs {
		var style history.Style
		if sub.g.queue != nil {
			style = history.StyleQueue
		}
		s.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.Subscribe, Group: sub.g.name, Service: sub.service,
			Topic: sub.g.topic.name, Style: style, Stateful: sub.stateful, SLO: int64(sub.slo)})
	}
	if s.Broker.cluster != nil {
		s.Broker.cluster.start(w)
	}
	for _, p := range s.Producers {
		p.schedule(w)
	}
	for _, p := range s.TxnProducers {
		p.start(w)
	}
	for i, m := range s.Members {
		if s.started[i] > 0 {
			w.After(m.id, s.started[i], kindStart, 0, 0, nil)
		} else {
			m.start(w)
		}
	}
}

// Deployed reports whether node id runs at the world's time: every node
// does from the start, a member of a group with a start time only from
// then (the application is not deployed before). A fault strikes only
// deployed nodes.
func (s *System) Deployed(w *sim.World, id sim.NodeID) bool {
	for _, m := range s.Members {
		if m.id == id {
			return w.Now() >= sim.Time(m.cfg.Start)
		}
	}
	return true
}

// Targets returns the nodes a fault target names: a group name means every
// member of the group; a service name every member of that service;
// otherwise the node of that name (a member, a producer, or a broker of
// the cluster; never the group coordinator or the controller, which do
// not fail in this model).
func (s *System) Targets(name string) ([]sim.NodeID, error) {
	if g := s.Broker.group(name); g != nil {
		return g.nodes, nil
	}
	var ids []sim.NodeID
	for _, m := range s.Members {
		if m.service == name {
			ids = append(ids, m.id)
		}
	}
	if len(ids) > 0 {
		return ids, nil
	}
	if id, ok := s.World.Lookup(name); ok && id != s.Broker.id && id != s.control.id &&
		(s.Broker.cluster == nil || id != s.Broker.cluster.id) {
		return []sim.NodeID{id}, nil
	}
	return nil, fmt.Errorf("unknown fault target %q: want a consumer group, a service, a member, a producer or a broker of the cluster", name)
}

// Strikes reports how often each fault knob of the system's parts that
// is on (a producer's request-loss, ack-loss, poison, poison-events; a
// consumer's failures) struck so far, in configuration order.
func (s *System) Strikes() []Strike { return s.knobs.strikes() }

// Member returns the member on node id, or nil.
func (s *System) Member(id sim.NodeID) *Member {
	for _, m := range s.Members {
		if m.id == id {
			return m
		}
	}
	return nil
}

// CaughtUp reports whether every producer has settled every record it
// sent and published every event it holds (or is down), and every group has consumed the end of every
// partition of its topic (a log subscription: committed the log end, and
// no rebalance under way; a queue: every message settled) and every
// member is up.
func (s *System) CaughtUp() bool {
	for _, p := range s.Producers {
		if s.World.Up(p.id) && len(p.inflight)+len(p.ready)+len(p.held) > 0 {
			return false
		}
	}
	for _, p := range s.TxnProducers {
		if !p.settled(s.World) {
			return false
		}
	}
	for _, g := range s.Broker.groups {
		for _, id := range g.nodes {
			if !s.World.Up(id) {
				return false
			}
		}
		if g.queue != nil {
			if !g.queue.caughtUp(g.topic) {
				return false
			}
			continue
		}
		if g.rebalancing {
			return false
		}
		for p := range g.topic.partitions {
			if !g.caughtUp(p) {
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
		if stop == sim.Drained || stop == sim.Halted {
			break
		}
	}
	s.History.Put(&history.Entry{At: int64(w.Now()), Kind: history.End, Drained: drained})
	return drained
}

// At schedules fn to run at simulated time t (not before now) on the
// system's control node, in the order scheduled. Faults use it for
// actions at set times, such as membership churn.
func (s *System) At(t sim.Time, fn func(w *sim.World)) {
	c := s.control
	c.actions = append(c.actions, fn)
	s.World.After(c.id, max(0, t-s.World.Now()), kindControl, int64(len(c.actions)-1), 0, nil)
}

// control is the node that runs scheduled actions. It never crashes.
type control struct {
	id      sim.NodeID
	actions []func(w *sim.World)
}

// Handle implements sim.Node.
func (c *control) Handle(w *sim.World, ev *sim.Event) {
	c.actions[ev.A](w)
}

// EstimateRecords estimates how many history records cfg produces in d of
// publishing: per event, its publish, append and acknowledgement, and a
// poll share, delivery, effect and commit per subscribing service. A
// history made with this capacity rarely has to grow, which keeps a long
// run from copying (and the garbage collector from rescanning) a large
// slice again and again. The estimate is capped at MaxRecordsEstimate.
func EstimateRecords(cfg Config, d time.Duration) int {
	subs := map[string]int{}
	for _, c := range cfg.Consumers {
		subs[c.Topic]++
	}
	var n float64
	for _, p := range cfg.Producers {
		if p.Interval <= 0 {
			continue
		}
		events := float64(d) / float64(p.Interval)
		n += events * float64(3+3*subs[p.Topic])
	}
	return int(min(n, MaxRecordsEstimate))
}

// MaxRecordsEstimate caps [EstimateRecords].
const MaxRecordsEstimate = 1 << 20
