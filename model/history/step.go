package history

import (
	"fmt"
	"math"
	"runtime"
)

// putNamedEntry is PutNamed through the step's Entry: for a record with a
// side row, or the first of a chunk of a history that spills. It is kept
// apart so that PutNamed's frame holds no Entry.
//
//go:noinline
func (h *History) putNamedEntry(s *NamedStep, ev, key Sym) (Sym, Sym) {
	if k := s.Kind; k == 0 || int(k) >= len(kindCodes.vals) {
		panic(fmt.Sprintf("history: unknown record kind code %d", k))
	}
	e := s.Entry()
	return h.put(&e, ev, key)
}

// KindCode is a record kind's code: what a [Record] keeps of its kind. A
// recorder takes the codes of the kinds it records once ([Kind.Code]),
// to fill a [NamedStep] with no lookup.
type KindCode uint8

// Code returns the code of k; 0 when k is not a record kind.
func (k Kind) Code() KindCode {
	c, ok := kindCodes.code(k)
	if !ok {
		return 0
	}
	return KindCode(c)
}

// Kind returns the kind of code c; "" when c is no kind's code.
func (c KindCode) Kind() Kind {
	if int(c) >= len(kindCodes.vals) {
		return ""
	}
	return kindCodes.value(uint8(c))
}

// NamedStep is a record of an event on its way from its producer to its
// effect (a Publish, Append, PublishAck, Deliver or Effect), or of an
// offset commit, in the fields such records use, each meaning what the
// [Entry] field of its name does, a third of an Entry to clear; its names
// are [Name]s and its kind a [KindCode], so that a delivery path that
// keeps a Name per node, group, service and topic records each with no
// string lookup ([History.PutNamed]); a recorder that makes many records
// of one kind with the same names records them with a [Stamp] instead
// ([History.PutStamped]), which looks the names up once.
// Type, mostly one string at one of two addresses (the producer's, the
// log's), is told by those last two addresses.
type NamedStep struct {
	At                          int64
	Kind                        KindCode
	Node, Group, Service, Topic *Name
	Partition                   int
	Offset                      int64
	Event, Key                  string
	// EventPrefix and EventNumber, when EventNumber is not 0, tell that
	// Event is EventPrefix, a dash and the decimal EventNumber (at most
	// 999999999), as a producer numbers its ids: the history then need
	// not read the number back from Event.
	EventPrefix string
	EventNumber uint32
	// KeyName, when not nil, is the Name of the key, which Key is then
	// not read for: a recorder that keeps its keys' Names (a producer
	// drawing from a fixed set) gives it where it has no hint.
	KeyName             *Name
	Type                string
	Amount, Value       int64
	Payload             string
	Attempt, Generation int
	ProducerID, Seq     int64
	Epoch               int
}

// Entry returns the step as an Entry.
func (s *NamedStep) Entry() Entry {
	key := s.Key
	if s.KeyName != nil {
		key = s.KeyName.s
	}
	return Entry{At: s.At, Kind: s.Kind.Kind(), Node: s.Node.String(), Group: s.Group.String(),
		Service: s.Service.String(), Topic: s.Topic.String(),
		Partition: s.Partition, Offset: s.Offset, Event: s.Event, Key: key, Type: s.Type,
		Amount: s.Amount, Value: s.Value, Payload: s.Payload, Attempt: s.Attempt, Generation: s.Generation,
		ProducerID: s.ProducerID, Seq: s.Seq, Epoch: s.Epoch}
}

// PutNamed appends the entry of *s, as Put of s.Entry() does, with the
// hints of [History.PutSyms]; it returns the symbols of the record's
// Event and Key. A name's symbol is taken from the Name when it holds
// one of this history's current table, and interned (and kept in the
// Name) otherwise, in the order [History.Put] interns the fields, so that
// the records and their symbols are Put's. A step whose record fits in
// place (no side row) is packed straight from s.
func (h *History) PutNamed(s *NamedStep, ev, key Sym) (Sym, Sym) {
	k := uint8(s.Kind)
	prod := s.ProducerID|s.Seq != 0 || s.Epoch != 0
	if k == 0 || int(k) >= len(kindCodes.vals) || s.Service != nil && s.Service.s != "" || s.Payload != "" ||
		h.sp != nil && h.n&(chunkLen-1) == 0 ||
		prod && (!producerKind[k] || s.Value != 0 || s.Epoch < math.MinInt32 || s.Epoch > math.MaxInt32) {
		return h.putNamedEntry(s, ev, key)
	}
	t := &h.syms
	// interned in the order of packRecord, so that symbols are numbered
	// alike
	node, group, topic := h.nameSym(s.Node), h.nameSym(s.Group), h.nameSym(s.Topic)
	if !t.is(ev, s.Event) {
		ev = t.internEventLast(&t.last[3], s.Event, s.EventPrefix, s.EventNumber)
	}
	switch {
	case s.KeyName != nil:
		key = h.nameSym(s.KeyName)
	case !t.is(key, s.Key):
		key = t.intern(s.Key)
	}
	var typ Sym // t.types tested inline, then internLast2Next
	switch {
	case t.types[0].is(s.Type):
		typ = t.types[0].y
	case t.types[1].is(s.Type):
		typ = t.types[1].y
	default:
		typ = t.internLast2Next(&t.types, s.Type)
	}
	if h.n>>chunkBits == len(h.recs) {
		h.grow()
	}
	r := &h.recs[h.n>>chunkBits][h.n&(chunkLen-1)]
	h.n++
	// Every field is stored one by one, with no Record built on the
	// stack first: the chunk may hold an earlier record (a reused
	// history's).
	value, version, position, flags := s.Value, int64(0), int64(0), uint8(0)
	if prod {
		value, version, position, flags = int64(s.Epoch), s.ProducerID, s.Seq, flagProducer
	}
	r.At, r.Offset, r.Amount, r.Value, r.Version, r.Position = s.At, s.Offset, s.Amount, value, version, position
	r.Node, r.Group, r.Topic, r.Event, r.Key, r.Type = node, group, topic, ev, key, typ
	r.Partition, r.Attempt, r.Generation, r.Count = int32(s.Partition), int32(s.Attempt), int32(s.Generation), 0
	r.ext, r.kind, r.outcome, r.mode, r.flags = 0, k, 0, 0, flags
	h.kindN[k]++
	runtime.KeepAlive(h) // see chunkMem
	return ev, key
}
