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

// BenchmarkPutNamed measures the five records of one event on the
// model's delivery path (publish, append, acknowledgement, delivery,
// effect) added with PutNamed, the later four with the symbols the
// publish returned, per event: the history's share of a delivery. The ids
// are new, numbered strings spelled once, as a producer spells them; the
// names and kind codes are the recorder's, made once.
func BenchmarkPutNamed(b *testing.B) {
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = "p-" + strconv.Itoa(i)
	}
	keys := make([]string, 100)
	for i := range keys {
		keys[i] = "acct-" + strconv.Itoa(i)
	}
	prod, broker, member, group, topic := NewName("p"), NewName("broker"), NewName("g-0"), NewName("g"), NewName("t")
	publish, appnd, ack, deliver, effect := Publish.Code(), Append.Code(), PublishAck.Code(), Deliver.Code(), Effect.Code()
	h := &History{}
	i := 0
	for b.Loop() {
		if h.Len() >= 1<<20 {
			h.Reset()
		}
		id, key := ids[i&(len(ids)-1)], keys[i%len(keys)]
		at, part, off := int64(i), i&7, int64(i>>3)
		ev, k := h.PutNamed(&NamedStep{At: at, Kind: publish, Node: &prod, Topic: &topic, Partition: part, Event: id, Key: key,
			Type: "Deposited", Amount: 5}, 0, 0)
		h.PutNamed(&NamedStep{At: at, Kind: appnd, Node: &broker, Topic: &topic, Partition: part, Offset: off, Event: id, Key: key,
			Type: "Deposited", Amount: 5, ProducerID: 1, Seq: off}, ev, k)
		h.PutNamed(&NamedStep{At: at, Kind: ack, Node: &prod, Topic: &topic, Partition: part, Offset: off, Event: id, Key: key,
			Type: "Deposited", Amount: 5, ProducerID: 1, Seq: off}, ev, k)
		h.PutNamed(&NamedStep{At: at, Kind: deliver, Node: &member, Group: &group, Topic: &topic, Partition: part, Offset: off, Event: id,
			Key: key, Type: "Deposited", Amount: 5, Attempt: 1, Generation: 1}, ev, k)
		h.PutNamed(&NamedStep{At: at, Kind: effect, Node: &member, Group: &group, Topic: &topic, Partition: part, Offset: off, Event: id,
			Key: key, Type: "Deposited", Amount: 5, Attempt: 1, Generation: 1, Value: 9}, ev, k)
		i++
	}
}
