package history

import (
	"strconv"
	"testing"
)

// BenchmarkAdd measures History.Add of a delivery record whose names
// repeat and whose event id is new every 8 records, as a model records.
func BenchmarkAdd(b *testing.B) {
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = "p-" + strconv.Itoa(i)
	}
	h := &History{}
	i := 0
	for b.Loop() {
		if h.Len() == 1<<20 {
			h.Reset()
		}
		h.Add(Entry{At: int64(i), Kind: Deliver, Node: "ledger-0", Group: "ledger", Topic: "account-events",
			Partition: 2, Offset: int64(i), Event: ids[(i/8)&(len(ids)-1)], Key: "acct-3", Type: "Deposited",
			Amount: 42, Attempt: 1, Generation: 1})
		i++
	}
}

// deliveries is what a recorder of the delivery path keeps: its names,
// kind codes and the ids and keys it draws.
type deliveries struct {
	ids, keys                            []string
	prod, broker, member, group, topic   Name
	publish, appnd, ack, deliver, effect KindCode
	keyNames                             []Name
	stamps                               [5]Stamp // publish, append, ack, deliver, effect
	mark                                 Mark
}

func newDeliveries() *deliveries {
	d := &deliveries{ids: make([]string, 1<<16), keys: make([]string, 100),
		prod: NewName("p"), broker: NewName("broker"), member: NewName("g-0"), group: NewName("g"), topic: NewName("t"),
		publish: Publish.Code(), appnd: Append.Code(), ack: PublishAck.Code(), deliver: Deliver.Code(), effect: Effect.Code()}
	for i := range d.ids {
		d.ids[i] = "p-" + strconv.Itoa(i)
	}
	d.keyNames = make([]Name, len(d.keys))
	for i := range d.keys {
		d.keys[i] = "acct-" + strconv.Itoa(i)
		d.keyNames[i] = NewName(d.keys[i])
	}
	d.stamps = [5]Stamp{NewStamp(d.publish, &d.prod, nil, nil, &d.topic), NewStamp(d.appnd, &d.broker, nil, nil, &d.topic),
		NewStamp(d.ack, &d.prod, nil, nil, &d.topic), NewStamp(d.deliver, &d.member, &d.group, nil, &d.topic),
		NewStamp(d.effect, &d.member, &d.group, nil, &d.topic)}
	return d
}

// BenchmarkPutStamped measures the five records of one event on the
// model's delivery path (publish, append, acknowledgement, delivery,
// effect) added with PutStamped, per event: the history's share of a
// delivery. Each record takes its recorder's stamp (made once) and a
// Mark kept and refilled, the later four the tag the publish returned;
// the publish gives its key by Name, as the model's producer does. The
// ids are new, numbered strings spelled once and told, as a producer
// spells and tells them.
func BenchmarkPutStamped(b *testing.B) {
	d := newDeliveries()
	h := &History{}
	i := 0
	for b.Loop() {
		if h.Len() >= 1<<20 {
			h.Reset()
		}
		d.stamped(h, i)
		i++
	}
}

// BenchmarkPutStampedFresh is BenchmarkPutStamped into a new history
// every 100,000 events, as a single run records into a history of its
// own: it pays for the memory a fresh history touches (its chunks, mapped
// or taken from the pool of those of histories gone, and its symbols).
func BenchmarkPutStampedFresh(b *testing.B) {
	d := newDeliveries()
	h := &History{}
	i := 0
	for b.Loop() {
		if h.Len() >= 500_000 {
			h = &History{}
		}
		d.stamped(h, i)
		i++
	}
}

// stamped adds the five records of event i to h with PutStamped.
func (d *deliveries) stamped(h *History, i int) {
	ki := i % len(d.keys)
	id, key := d.ids[i&(len(d.ids)-1)], d.keys[ki]
	at, part, off := int64(i), i&7, int64(i>>3)
	m := &d.mark
	*m = Mark{At: at, Partition: part, Event: id, EventPrefix: d.prod.s, EventNumber: uint32(i & (len(d.ids) - 1)),
		Key: key, KeyName: &d.keyNames[ki], Type: "Deposited", Amount: 5}
	tag := h.PutStamped(&d.stamps[0], m, Tag{})
	m.KeyName, m.EventPrefix, m.EventNumber = nil, "", 0
	m.Offset, m.ProducerID, m.Seq = off, 1, off
	h.PutStamped(&d.stamps[1], m, tag)
	h.PutStamped(&d.stamps[2], m, tag)
	m.ProducerID, m.Seq, m.Attempt, m.Generation = 0, 0, 1, 1
	h.PutStamped(&d.stamps[3], m, tag)
	m.Value = 9
	h.PutStamped(&d.stamps[4], m, tag)
}
