package sim

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Reserved event kinds, above any a node uses.
const (
	kindRestart uint32 = 1<<32 - 1
)

// Stop says why [World.Run] or [World.Stabilize] returned.
type Stop int

const (
	// Drained: no event is pending.
	Drained Stop = iota
	// ReachedTime: the next event lies beyond the time bound.
	ReachedTime
	// ReachedEvents: the event bound was hit with events still pending.
	ReachedEvents
	// Halted: the world's limit ([World.SetLimit]) tripped; it runs no
	// more events.
	Halted
)

func (s Stop) String() string {
	switch s {
	case Drained:
		return "drained"
	case ReachedTime:
		return "reached time bound"
	case ReachedEvents:
		return "reached event bound"
	case Halted:
		return "halted by its limit"
	}
	return fmt.Sprintf("Stop(%d)", int(s))
}

// World is one simulated run: the clock, the queue, the nodes, the network,
// the randomness and the checksum. A World is not safe for concurrent use; it
// runs on one goroutine. The zero value is not usable: call [New].
type World struct {
	now   Time
	seq   uint64
	q     queue
	nodes []slot
	seed  uint64
	rng   *rand.Rand
	pcg   rand.PCG  // rng's source
	r     rand.Rand // rng
	sum   uint64
	steps uint64
	hook  CrashHook
	net   Network
	cur   Event // the event popped last, being handled; handlers get a pointer to it

	limit   func() string // asked every limitEvery steps; non-empty halts
	halted  string        // why the limit halted the world, or ""
	nextAsk uint64        // the step count at which to ask the limit next
}

// limitEvery is how many steps pass between two asks of the limit.
const limitEvery = 4096

// SetLimit installs a limit that bounds every phase of the world's run:
// every 4,096 steps the world calls limit, and when it returns a non-empty
// reason the world halts: [World.Run] and [World.Stabilize] return
// [Halted] at once from then on, whoever calls them. The limit is asked
// on step counts only, so halting is as deterministic as the run.
func (w *World) SetLimit(limit func() string) { w.limit = limit }

// Halted returns why the world's limit halted it, or "" while it runs.
func (w *World) Halted() string { return w.halted }

// checkLimit asks the limit when a multiple of limitEvery steps has
// passed and reports whether the world is halted.
func (w *World) checkLimit() bool {
	if w.halted != "" {
		return true
	}
	if w.limit != nil && w.steps >= w.nextAsk {
		w.nextAsk = w.steps + limitEvery
		w.halted = w.limit()
	}
	return w.halted != ""
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// New returns an empty world seeded with seed. Every random choice in the
// world derives from this seed.
func New(seed uint64) *World {
	w, _ := worlds.Get().(*World)
	if w == nil {
		w = &World{}
	}
	// A released world's queue arrays and node table are reused, empty:
	// the queue reads them below their lengths only.
	q, nodes := &w.q, w.nodes[:0]
	ev, free, all, b := q.ev[:0], q.free[:0], q.all[:0], q.b
	*w = World{seed: seed, sum: fnvOffset, nodes: nodes}
	w.q.ev, w.q.free, w.q.all = ev, free, all
	for j := range b {
		w.q.b[j] = b[j][:0]
	}
	w.pcg.Seed(seed, seed^0x9e3779b97f4a7c15)
	w.r = *rand.New(&w.pcg)
	w.rng = &w.r
	w.net.init(w)
	return w
}

// worlds keeps released worlds ([World.Release]) for New to reuse.
var worlds sync.Pool

// Release hands the world's memory (its event queue and node table) back
// for a later [New] to reuse, so that a sweep's runs do not grow a queue
// each. Nothing may use the world, nor run anything in it, after it:
// call it once a run is over and only what the run recorded is read.
func (w *World) Release() {
	clear(w.q.ev) // the queued events' messages
	clear(w.nodes)
	w.cur = Event{}
	w.limit, w.hook = nil, nil
	worlds.Put(w)
}

// Seed returns the seed the world was made with.
func (w *World) Seed() uint64 { return w.seed }

// Now returns the current simulated time.
func (w *World) Now() Time { return w.now }

// Steps returns how many events have been processed.
func (w *World) Steps() uint64 { return w.steps }

// Pending returns how many events are queued, including cancelled ones not
// yet popped.
func (w *World) Pending() int { return w.q.len() }

// Checksum is a running fnv-style hash over every processed event's time,
// node, kind and integer payload. Same seed, same checksum.
func (w *World) Checksum() uint64 { return w.sum }

// Stream returns a new random source drawn from the world's master source.
// Components take one each at construction, so that their draws do not
// depend on what other components draw.
func (w *World) Stream() *rand.Rand {
	s := &stream{}
	s.pcg.Seed(w.rng.Uint64(), w.rng.Uint64())
	s.r = *rand.New(&s.pcg)
	return &s.r
}

// stream is a random stream and its source, one allocation.
type stream struct {
	pcg rand.PCG
	r   rand.Rand
}

// SetCrashHook installs the hook that [World.CrashPoint] asks. nil means no
// crash ever happens at a crash point.
func (w *World) SetCrashHook(h CrashHook) { w.hook = h }

// Network returns the world's network, to configure links.
func (w *World) Network() *Network { return &w.net }

// Add registers a node, up, and returns its id.
func (w *World) Add(name string, n Node) NodeID {
	w.nodes = append(w.nodes, slot{node: n, name: name, up: true})
	return NodeID(len(w.nodes) - 1)
}

// Name returns the name a node was added with.
func (w *World) Name(id NodeID) string { return w.nodes[id].name }

// Node returns the node registered as id.
func (w *World) Node(id NodeID) Node { return w.nodes[id].node }

// Up reports whether a node is up.
func (w *World) Up(id NodeID) bool { return w.nodes[id].up }

// Nodes returns the number of nodes.
func (w *World) Nodes() int { return len(w.nodes) }

// Lookup returns the id of the node with the given name.
func (w *World) Lookup(name string) (NodeID, bool) {
	for i := range w.nodes {
		if w.nodes[i].name == name {
			return NodeID(i), true
		}
	}
	return 0, false
}

func (w *World) schedule(at Time, node NodeID, kind uint32, a, b int64, msg any, inc uint32) {
	if at < w.now {
		panic(fmt.Sprintf("sim: event for %s scheduled at %v, before now %v", w.nodes[node].name, at, w.now))
	}
	q := &w.q
	i := q.slot()
	// field by field: an Event built whole goes through the stack
	e := &q.ev[i]
	e.At, e.Seq, e.Node, e.Kind, e.A, e.B, e.Msg, e.inc = at, w.seq, node, kind, a, b, msg, inc
	q.pushKey(key{at, i})
	w.seq++
}

// After schedules a timer for node d after now. Timers of a node are
// cancelled when it crashes.
func (w *World) After(node NodeID, d Time, kind uint32, a, b int64, msg any) {
	if d < 0 {
		panic(fmt.Sprintf("sim: negative delay %v for %s", d, w.nodes[node].name))
	}
	w.schedule(w.now+d, node, kind, a, b, msg, w.nodes[node].inc)
}

// Send delivers a message from one node to another over the network: it
// arrives after the link's latency, unless the link drops it or the target
// crashes first. A message to a node that is down is lost.
func (w *World) Send(from, to NodeID, kind uint32, a, b int64, msg any) {
	if !w.nodes[to].up {
		return
	}
	at, ok := w.net.arrival(w.now, from, to)
	if !ok {
		return
	}
	w.schedule(at, to, kind, a, b, msg, w.nodes[to].inc)
}

// CrashPoint is called by a node's handler at an I/O boundary. If the crash
// hook decides to crash the node here, CrashPoint does not return: it unwinds
// the handler and the kernel takes the node down.
func (w *World) CrashPoint(node NodeID, point string) {
	if w.hook != nil { // inlined: a world without crash faults pays one test
		w.askCrash(node, point)
	}
}

// askCrash asks the crash hook about node at point, and unwinds the
// handler if it says crash.
func (w *World) askCrash(node NodeID, point string) {
	crash, after := w.hook.Crash(w, node, point)
	if crash {
		panic(crashSignal{node: node, point: point, restartAfter: after})
	}
}

// Crash takes a node down now: its volatile state is dropped, its timers are
// cancelled and messages in flight to it are lost. If restartAfter is not
// negative, the node restarts that much later. Crashing a node that is down
// does nothing.
func (w *World) Crash(node NodeID, point string, restartAfter Time) {
	s := &w.nodes[node]
	if !s.up {
		return
	}
	s.up = false
	s.inc++
	w.mix(uint64(w.now), uint64(node), uint64(kindRestart-1), uint64(len(point)))
	if c, ok := s.node.(Crasher); ok {
		c.Crash(w, point)
	}
	if restartAfter >= 0 {
		w.schedule(w.now+restartAfter, node, kindRestart, 0, 0, nil, s.inc)
	}
}

// Restart brings a node that is down back up now.
func (w *World) Restart(node NodeID) {
	s := &w.nodes[node]
	if s.up {
		return
	}
	s.up = true
	s.inc++
	if r, ok := s.node.(Restarter); ok {
		w.dispatch(node, func() { r.Restart(w) })
	}
}

func (w *World) mix(a, b, c, d uint64) {
	h := w.sum
	h = (h ^ a) * fnvPrime
	h = (h ^ b) * fnvPrime
	h = (h ^ c) * fnvPrime
	h = (h ^ d) * fnvPrime
	w.sum = h
}

// Step processes the next event, if any, and reports whether there was one.
// Events for a node that crashed since they were scheduled are discarded
// without counting as a step.
func (w *World) Step() bool {
	if w.head() == nil {
		return false
	}
	w.process()
	return true
}

// head discards the cancelled events at the head of the queue and
// returns the next one to process, or nil if none is pending: Run must
// not look past a cancelled event to one beyond its time bound.
func (w *World) head() *Event {
	q := &w.q
	for q.n > 0 {
		q.ready()
		p := &q.ev[q.b[0][q.head].idx]
		if p.inc == w.nodes[p.Node].inc {
			return p
		}
		q.drop()
	}
	return nil
}

// process takes the event that head returned off the queue and
// processes it.
func (w *World) process() {
	ev := &w.cur
	w.q.take(ev)
	s := &w.nodes[ev.Node]
	w.now = ev.At
	w.steps++
	w.mix(uint64(ev.At), uint64(ev.Node)<<32|uint64(ev.Kind), uint64(ev.A), uint64(ev.B))
	if ev.Kind == kindRestart {
		w.Restart(ev.Node)
		return
	}
	if !s.up {
		return // a timer set for a node that is down: counted, not handled
	}
	w.handle(s.node, ev)
}

// handle runs one handler and turns a crash-point unwind into a crash.
func (w *World) handle(n Node, ev *Event) {
	defer w.recoverCrash()
	n.Handle(w, ev)
}

func (w *World) dispatch(node NodeID, fn func()) {
	defer w.recoverCrash()
	fn()
}

func (w *World) recoverCrash() {
	r := recover()
	if r == nil {
		return
	}
	cs, ok := r.(crashSignal)
	if !ok {
		panic(r)
	}
	w.Crash(cs.node, cs.point, cs.restartAfter)
}

// Run processes events until the next one lies after until, or maxEvents
// events have been processed (0 means no event bound). The clock ends at
// until when the time bound is reached; a bound before now leaves it at
// now: simulated time never goes backwards.
func (w *World) Run(until Time, maxEvents uint64) Stop {
	var n uint64
	for {
		if w.checkLimit() {
			return Halted
		}
		p := w.head()
		if p == nil {
			return Drained
		}
		if p.At > until {
			w.now = max(w.now, until)
			return ReachedTime
		}
		if maxEvents > 0 && n >= maxEvents {
			return ReachedEvents
		}
		w.process()
		n++
	}
}

// Stabilize processes events until none is pending or maxEvents have been
// processed.
func (w *World) Stabilize(maxEvents uint64) Stop {
	var n uint64
	for w.q.len() > 0 {
		if w.checkLimit() {
			return Halted
		}
		if n >= maxEvents {
			return ReachedEvents
		}
		if w.Step() {
			n++
		}
	}
	return Drained
}
