package model

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// TxnProducer is a transactional producer (Kafka's transactional.id,
// KIP-98): at start, and again after a restart, it calls InitProducerId,
// which fences any older instance of its transactional id and aborts that
// instance's ongoing transaction. It then publishes its events in
// transactions of TransactionSize events, spread over the topic's
// partitions by its partitioner, and ends each with a commit, or, with
// probability Abort, an abort (the application gave up on it). The
// coordinator writes a marker to each partition the transaction wrote.
// Its requests are modelled as instantaneous calls on the broker. A
// crash leaves its transaction open until the restarted instance aborts
// it, or the coordinator does after TransactionTimeout. A fenced
// instance stops, as Kafka's ProducerFencedException is fatal.
type TxnProducer struct {
	id   sim.NodeID
	cfg  ProducerConfig
	b    *Broker
	t    *topic
	hist *history.History
	rng  *rand.Rand
	keys []string
	n    int // events published so far: durable, so event ids stay unique

	// volatile state, dropped by a crash
	s       *txnSession
	written int // events of the ongoing transaction
	rr      int
	stopped bool // fenced
}

func newTxnProducer(w *sim.World, cfg ProducerConfig, b *Broker, h *history.History) *TxnProducer {
	cfg = cfg.withDefaults()
	cfg.TransactionSize = max(cfg.TransactionSize, 1)
	if cfg.TransactionTimeout == 0 {
		cfg.TransactionTimeout = DefaultTransactionTimeout
	}
	p := &TxnProducer{cfg: cfg, b: b, t: b.topic(cfg.Topic), hist: h, rng: w.Stream()}
	p.keys = make([]string, cfg.Keys)
	for i := range p.keys {
		p.keys[i] = "acct-" + strconv.Itoa(i)
	}
	p.id = w.Add(cfg.Name, p)
	return p
}

// Handle implements sim.Node.
func (p *TxnProducer) Handle(w *sim.World, ev *sim.Event) {
	if ev.Kind != kindTick {
		panic(fmt.Sprintf("model: transactional producer got unknown event kind %d", ev.Kind))
	}
	p.publish(w)
}

// start initialises the transactional id and schedules the first event.
func (p *TxnProducer) start(w *sim.World) {
	p.s = p.b.txnInit(w, p.cfg.TransactionalID, p.cfg.Name, true, sim.Time(p.cfg.TransactionTimeout))
	p.schedule(w)
}

func (p *TxnProducer) publish(w *sim.World) {
	if p.stopped || p.s == nil {
		return
	}
	if p.cfg.Stop > 0 && w.Now() >= sim.Time(p.cfg.Stop) {
		if p.written > 0 {
			p.end(w)
		}
		return
	}
	key, typ, amount := drawEvent(p.rng, p.cfg.Events, p.keys, p.cfg.HotKey)
	p.n++
	rec := Record{ID: p.cfg.Name + "-" + strconv.Itoa(p.n), Key: key, Type: typ, Amount: amount, Topic: p.t.name}
	part := partition(&p.cfg, key, len(p.t.partitions), &p.rr)
	pub := history.Entry{At: int64(w.Now()), Kind: history.Publish, Node: p.cfg.Name, Topic: p.t.name,
		Partition: part, Event: rec.ID, Key: key, Type: typ, Amount: amount}
	p.hist.Put(&pub)
	w.CrashPoint(p.id, string(PointBeforeSend))
	if !p.b.txnProduce(w, p.s, p.t, part, rec, pub) {
		p.stopped = true
		return
	}
	w.CrashPoint(p.id, string(PointAfterSend))
	p.written++
	if p.written == p.cfg.TransactionSize {
		p.end(w)
	}
	p.schedule(w)
}

// end commits the ongoing transaction, or aborts it with probability
// Abort.
func (p *TxnProducer) end(w *sim.World) {
	commit := !p.cfg.Abort.Chance(p.rng)
	p.written = 0
	if !p.b.txnEnd(w, p.s, commit) {
		p.stopped = true
	}
}

// schedule sets the timer for the next publish: a gap drawn uniformly from
// [Interval/2, 3*Interval/2].
func (p *TxnProducer) schedule(w *sim.World) {
	iv := int64(p.cfg.Interval)
	gap := iv/2 + p.rng.Int64N(iv+1)
	w.After(p.id, sim.Time(gap), kindTick, 0, 0, nil)
}

// settled reports whether the producer has no transaction open (or is
// down, or fenced: then only the coordinator can end it).
func (p *TxnProducer) settled(w *sim.World) bool {
	return !w.Up(p.id) || p.stopped || p.written == 0
}

// Crash implements sim.Crasher: the instance's hold on its transactional
// id is lost; its ongoing transaction stays open at the coordinator.
func (p *TxnProducer) Crash(w *sim.World, point string) {
	p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Crash, Node: p.cfg.Name, CrashPoint: history.CrashPoint(point)})
	p.s, p.written, p.stopped = nil, 0, false
}

// Restart implements sim.Restarter: InitProducerId again (aborting the
// transaction the crash left open), and publishing resumes.
func (p *TxnProducer) Restart(w *sim.World) {
	p.hist.Put(&history.Entry{At: int64(w.Now()), Kind: history.Restart, Node: p.cfg.Name})
	p.start(w)
}
