package history

import "math"

// Step is a record of an event on its way from its producer to its
// effect (a Publish, Append, PublishAck, Deliver or Effect) in the fields
// such records use, each meaning what the [Entry] field of its name
// does. The simulator's delivery path fills a Step, a third of an Entry
// to clear, and adds it with [History.PutStep].
type Step struct {
	At                          int64
	Kind                        Kind
	Node, Group, Service, Topic string
	Partition                   int
	Offset                      int64
	Event, Key, Type            string
	Amount, Value               int64
	Payload                     string
	Attempt, Generation         int
	ProducerID, Seq             int64
	Epoch                       int
}

// Entry returns the step as an Entry.
func (s *Step) Entry() Entry {
	return Entry{At: s.At, Kind: s.Kind, Node: s.Node, Group: s.Group, Service: s.Service, Topic: s.Topic,
		Partition: s.Partition, Offset: s.Offset, Event: s.Event, Key: s.Key, Type: s.Type,
		Amount: s.Amount, Value: s.Value, Payload: s.Payload, Attempt: s.Attempt, Generation: s.Generation,
		ProducerID: s.ProducerID, Seq: s.Seq, Epoch: s.Epoch}
}

// PutStep appends the entry of *s, as Put of s.Entry() does, with the
// hints of [History.PutSyms]; it returns the symbols of the record's
// Event and Key. A step whose record fits in place (no side row) is
// packed straight from s.
func (h *History) PutStep(s *Step, ev, key Sym) (Sym, Sym) {
	k, ok := kindCodes.code(s.Kind)
	prod := s.ProducerID != 0 || s.Seq != 0 || s.Epoch != 0
	if !ok || k == 0 || s.Service != "" || s.Payload != "" || h.sp != nil && h.n&(chunkLen-1) == 0 ||
		prod && (!producerKind[k] || s.Value != 0 || s.Epoch < math.MinInt32 || s.Epoch > math.MaxInt32) {
		e := s.Entry()
		return h.put(&e, ev, key)
	}
	if h.n>>chunkBits == len(h.recs) {
		h.grow()
	}
	r := &h.recs[h.n>>chunkBits][h.n&(chunkLen-1)]
	t := &h.syms
	// interned in the order of packRecord, so that symbols are numbered
	// alike
	r.Node = t.internLast(&t.last[0], s.Node)
	r.Group = t.internLast(&t.last[1], s.Group)
	r.Topic = t.internLast(&t.last[2], s.Topic)
	if t.is(ev, s.Event) {
		r.Event = ev
	} else {
		r.Event = t.internLast(&t.last[3], s.Event)
	}
	if t.is(key, s.Key) {
		r.Key = key
	} else {
		r.Key = t.intern(s.Key)
	}
	r.Type = t.internLast(&t.last[4], s.Type)
	r.At, r.Offset, r.Amount = s.At, s.Offset, s.Amount
	r.Partition, r.Attempt, r.Generation, r.Count = int32(s.Partition), int32(s.Attempt), int32(s.Generation), 0
	r.ext, r.kind, r.outcome, r.mode = 0, k, 0, 0
	if prod {
		r.Version, r.Position, r.Value = s.ProducerID, s.Seq, int64(s.Epoch)
		r.flags = flagProducer
	} else {
		r.Version, r.Position, r.Value = 0, 0, s.Value
		r.flags = 0
	}
	h.n++
	return r.Event, r.Key
}
