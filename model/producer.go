package model

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"evsim/model/history"
	"evsim/sim"
)

// Producer publishes events to a topic at a rate. Every publish and every
// acknowledgement is recorded.
type Producer struct {
	id     sim.NodeID
	cfg    ProducerConfig
	broker sim.NodeID
	hist   *history.History
	rng    *rand.Rand
	n      int
}

// Handle implements sim.Node.
func (p *Producer) Handle(w *sim.World, ev *sim.Event) {
	switch ev.Kind {
	case kindTick:
		p.publish(w)
	case kindAck:
		m := ev.Msg.(*publishMsg)
		p.hist.Add(history.Record{At: int64(w.Now()), Kind: history.PublishAck, Node: p.cfg.Name, Topic: m.rec.Topic,
			Partition: int(ev.A), Offset: ev.B, Event: m.rec.ID, Key: m.rec.Key, Type: m.rec.Type, Amount: m.rec.Amount})
	default:
		panic(fmt.Sprintf("model: producer got unknown event kind %d", ev.Kind))
	}
}

func (p *Producer) publish(w *sim.World) {
	if p.cfg.Stop > 0 && w.Now() >= sim.Time(p.cfg.Stop) {
		return
	}
	spec := p.cfg.Events[p.rng.IntN(len(p.cfg.Events))]
	amount := spec.AmountMin
	if span := spec.AmountMax - spec.AmountMin; span > 0 {
		amount += p.rng.Int64N(span + 1)
	}
	p.n++
	rec := Record{
		ID:     p.cfg.Name + "-" + strconv.Itoa(p.n),
		Key:    "acct-" + strconv.Itoa(p.rng.IntN(p.cfg.Keys)),
		Type:   spec.Type,
		Amount: amount,
		Topic:  p.cfg.Topic,
	}
	p.hist.Add(history.Record{At: int64(w.Now()), Kind: history.Publish, Node: p.cfg.Name, Topic: rec.Topic,
		Event: rec.ID, Key: rec.Key, Type: rec.Type, Amount: rec.Amount})
	w.Send(p.id, p.broker, kindPublish, 0, 0, &publishMsg{from: p.id, rec: rec})
	p.schedule(w)
}

// schedule sets the timer for the next publish: a gap drawn uniformly from
// [Interval/2, 3*Interval/2].
func (p *Producer) schedule(w *sim.World) {
	iv := int64(p.cfg.Interval)
	gap := iv/2 + p.rng.Int64N(iv+1)
	w.After(p.id, sim.Time(gap), kindTick, 0, 0, nil)
}
