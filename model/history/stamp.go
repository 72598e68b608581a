package history

import (
	"fmt"
	"math"
	"runtime"
)

// Stamp is what the records of one kind that one recorder makes share:
// the kind and the names of the node, group, service and topic (a
// producer's publishes, a member's deliveries). It holds the symbols of
// its names in the table of the history it last recorded into, with the
// table's generation (see [Name]), so that [History.PutStamped] takes
// them with one compare; in another history, or once the table is
// emptied, it takes them again. A recorder makes a stamp once
// ([NewStamp]) and keeps it; the zero Stamp records nothing valid.
type Stamp struct {
	kind                        KindCode
	node, group, service, topic *Name
	// gen is the generation of the table the symbols are of: 0 until the
	// stamp is first used, and for good when its records need the
	// general path (a service, a kind that is no record kind's)
	gen                         uint64
	nodeSym, groupSym, topicSym Sym
	tgen                        uint32 // tagGen(gen)
}

// NewStamp returns the stamp of records of kind k by node (nil: none)
// in group, of service and topic (nil: none). A stamp with a service
// records through the general path: a service takes a side row.
func NewStamp(k KindCode, node, group, service, topic *Name) Stamp {
	return Stamp{kind: k, node: node, group: group, service: service, topic: topic}
}

// Kind returns the code of the stamp's kind.
func (st *Stamp) Kind() KindCode { return st.kind }

// Topic returns the Name of the stamp's topic.
func (st *Stamp) Topic() *Name { return st.topic }

// Mark is a record's own fields, those a [Stamp] does not give, each
// meaning what the [Entry] field of its name does; EventPrefix,
// EventNumber and KeyName are hints: EventPrefix and EventNumber, when
// EventNumber is not 0, tell that Event is EventPrefix, a dash and the
// decimal EventNumber (at most 999999999), as a producer numbers its
// ids, so that the history need not read the number back from Event;
// KeyName, when not nil, is the Name of the key, which Key is then not
// read for. A recorder keeps a Mark and sets the fields of each record
// in it, passing it by address.
type Mark struct {
	At                  int64
	Partition           int
	Offset              int64
	Event, Key, Type    string
	EventPrefix         string
	EventNumber         uint32
	KeyName             *Name
	Amount, Value       int64
	Payload             string
	Attempt, Generation int
	ProducerID, Seq     int64
	Epoch               int
}

// Tag is the symbols of a record's Event and Key in a history's table,
// with the table's generation: what [History.PutStamped] returns for a
// record, to pass with the next records of the same event (its append,
// acknowledgement, delivery, effect), which then take the symbols with
// one compare. A tag of another history, or of the table before it was
// emptied, is told by its generation and not used: the strings are then
// looked up (its symbols, from [Hints], as hints checked against them).
// A tag must only come with the Event and Key of the record it was
// returned for: those are the strings its symbols stand for. The zero
// Tag holds no symbol. (A record's Type, mostly one string at one of two
// addresses, is told by those addresses.)
type Tag struct {
	ev, key Sym
	gen     uint32 // tagGen of the table's generation
}

// tagGen returns the generation a tag holds of table generation g: g
// itself, in 32 bits, for the first tagGenMax generations of the
// process, and 0, no generation, past them, so that a tag never takes
// one of them for another (its strings are then looked up).
func tagGen(g uint64) uint32 {
	if g > tagGenMax {
		return 0
	}
	return uint32(g)
}

// tagGenMax is the last table generation a tag holds (a variable for
// tests).
var tagGenMax uint64 = math.MaxUint32

// Hints returns a tag of the symbols ev and key of no known table: hints
// that [History.PutStamped] checks against the record's strings, as
// [History.PutSyms] does.
func Hints(ev, key Sym) Tag { return Tag{ev: ev, key: key} }

// Event returns the symbol of the tag's Event, to keep as a hint
// ([Hints]).
func (g Tag) Event() Sym { return g.ev }

// Key returns the symbol of the tag's Key, to keep as a hint ([Hints]).
func (g Tag) Key() Sym { return g.key }

// PutStamped appends the record of st and *m, as Put of its Entry does
// ([Stamp.Entry]), and returns its Tag. The symbols of st's names are
// the stamp's when it holds those of the history's current table, and
// taken (and kept in st) otherwise; those of Event, Key and Type are
// tag's when it is of the current table, and looked up otherwise (tag's
// symbols then hints, as [History.PutSyms] takes them). Names and
// strings are interned in the order Put interns the fields, so that the
// records and their symbols are Put's. A record with a side row (a
// service, a payload, producer fields a producer's record does not keep
// in place), or the first of a chunk of a history that spills, is put
// through its Entry.
func (h *History) PutStamped(st *Stamp, m *Mark, tag Tag) Tag {
	if st.gen != h.syms.gen || st.gen == 0 {
		if !h.stampSyms(st) {
			return h.putStampedEntry(st, m, tag)
		}
	}
	k := uint8(st.kind)
	prod := m.ProducerID|m.Seq != 0 || m.Epoch != 0
	if m.Payload != "" || h.sp != nil && h.n&(chunkLen-1) == 0 ||
		prod && (!producerKind[k] || m.Value != 0 || m.Epoch < math.MinInt32 || m.Epoch > math.MaxInt32) {
		return h.putStampedEntry(st, m, tag)
	}
	if tag.gen != st.tgen || tag.gen == 0 {
		tag = h.markSyms(m, tag, st.tgen)
	}
	t := &h.syms
	var typ Sym // t.types tested inline, then internLast2Next
	switch {
	case t.types[0].is(m.Type):
		typ = t.types[0].y
	case t.types[1].is(m.Type):
		typ = t.types[1].y
	default:
		typ = t.internLast2Next(&t.types, m.Type)
	}
	if h.n>>chunkBits == len(h.recs) {
		h.grow()
	}
	r := &h.recs[h.n>>chunkBits][h.n&(chunkLen-1)]
	h.n++
	// Every field is stored one by one, with no Record built on the
	// stack first: the chunk may hold an earlier record (a reused
	// history's).
	value, version, position, flags := m.Value, int64(0), int64(0), uint8(0)
	if prod {
		value, version, position, flags = int64(m.Epoch), m.ProducerID, m.Seq, flagProducer
	}
	r.At, r.Offset, r.Amount, r.Value, r.Version, r.Position = m.At, m.Offset, m.Amount, value, version, position
	r.Node, r.Group, r.Topic, r.Event, r.Key, r.Type = st.nodeSym, st.groupSym, st.topicSym, tag.ev, tag.key, typ
	r.Partition, r.Attempt, r.Generation, r.Count = int32(m.Partition), int32(m.Attempt), int32(m.Generation), 0
	r.ext, r.kind, r.outcome, r.mode, r.flags = 0, k, 0, 0, flags
	h.kindN[k]++
	runtime.KeepAlive(h) // see chunkMem
	return tag
}

// stampSyms takes the symbols of st's names in h's current table, in the
// order Put interns them, and reports whether st's records may be packed
// in place; false for a stamp with a service or a kind that is no record
// kind's, whose records go through their Entry.
//
//go:noinline
func (h *History) stampSyms(st *Stamp) bool {
	if k := st.kind; k == 0 || int(k) >= len(kindCodes.vals) || st.service != nil && st.service.s != "" {
		st.gen = 0
		return false
	}
	st.nodeSym, st.groupSym, st.topicSym = h.nameSym(st.node), h.nameSym(st.group), h.nameSym(st.topic)
	st.gen = h.syms.generation()
	st.tgen = tagGen(st.gen)
	return true
}

// generation returns the table's generation, giving it one (never 0)
// when it has none.
func (t *symbols) generation() uint64 {
	if t.gen == 0 {
		t.gen = symGens.Add(1)
	}
	return t.gen
}

// markSyms returns the tag of m's Event and Key in h's current table,
// whose tag generation is gen: the hint's symbols where they are those
// of the strings, else looked up.
//
//go:noinline
func (h *History) markSyms(m *Mark, hint Tag, gen uint32) Tag {
	t := &h.syms
	ev, key := hint.ev, hint.key
	if !t.is(ev, m.Event) {
		ev = t.internEventLast(&t.last[3], m.Event, m.EventPrefix, m.EventNumber)
	}
	switch {
	case m.KeyName != nil:
		key = h.nameSym(m.KeyName)
	case !t.is(key, m.Key):
		key = t.intern(m.Key)
	}
	return Tag{ev: ev, key: key, gen: gen}
}

// putStampedEntry is PutStamped through the record's Entry: for a record
// with a side row, or the first of a chunk of a history that spills.
//
//go:noinline
func (h *History) putStampedEntry(st *Stamp, m *Mark, hint Tag) Tag {
	if k := st.kind; k == 0 || int(k) >= len(kindCodes.vals) {
		panic(fmt.Sprintf("history: unknown record kind code %d", k))
	}
	e := st.Entry(m)
	ev, key := h.put(&e, hint.ev, hint.key)
	return Tag{ev: ev, key: key, gen: tagGen(h.syms.generation())}
}

// Entry returns the record of st and *m as an Entry.
func (st *Stamp) Entry(m *Mark) Entry {
	key := m.Key
	if m.KeyName != nil {
		key = m.KeyName.s
	}
	return Entry{At: m.At, Kind: st.kind.Kind(), Node: st.node.String(), Group: st.group.String(),
		Service: st.service.String(), Topic: st.topic.String(),
		Partition: m.Partition, Offset: m.Offset, Event: m.Event, Key: key, Type: m.Type,
		Amount: m.Amount, Value: m.Value, Payload: m.Payload, Attempt: m.Attempt, Generation: m.Generation,
		ProducerID: m.ProducerID, Seq: m.Seq, Epoch: m.Epoch}
}
