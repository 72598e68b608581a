package model

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// logRecord is a record as a partition log keeps it, in 56 bytes: its
// strings are places in the topic's [strTab] and its type an index in the
// topic's types, so that a log, the model's largest structure, holds no
// pointer and the garbage collector never scans it. What its place in the
// log says is not kept: the topic name and the partition are the log's
// own, and a record's offset is its index in the log (a log only grows at
// its end or is cut back, and records below a retention start stay in
// place). What few records carry, a payload and an idempotent producer's
// id and epoch, is in the topic's extras.
type logRecord struct {
	id, key       strRef
	Amount        int64
	appended      sim.Time
	idSym, keySym history.Sym // the symbols of Record's tag, as hints
	epoch         int32       // the leader epoch it was appended in (a replicated partition's)
	typ           uint32      // index in the topic's types
	extra         uint32      // index in the topic's extras (0: none)
	Poison        bool
	aborted       bool  // its transaction aborted
	control       uint8 // a control marker (controlCommit, controlAbort; 0: a data record)
}

// logExtra is what a log record carries that most records do not: its
// payload, and the id and epoch of the idempotent producer that appended
// it to a replicated partition (0: none). The producer's sequence number
// is not kept: a replica numbers a producer's records by their order.
type logExtra struct {
	payload strRef
	pid     int64
	pepoch  int32
}

// strRef is the place of a string in a [strTab]: for a string spelled
// in a block, the block's index in the high 32 bits, the offset in the
// next 16 and the length in the low 16; for a string kept as it is (bit
// 63 set), its index among the table's kept strings. Zero is the empty
// string.
type strRef uint64

const (
	strBlockSize = 1 << 16 // the most bytes of a block
	strBlockMin  = 1 << 12 // the bytes of a table's first block
	strLongMax   = 1 << 12 // a longer id is not spelled in a block
	strRefKept   = 1 << 63
	strCacheBits = 10 // a table caches 1<<strCacheBits places by address
)

// strTab holds the strings of a topic's log records: a record keeps a
// strRef instead of a string, so that a log holds no pointer. The ids a
// producer spells in the table ([strTab.nameNumber], [idSpeller]) are in
// blocks of bytes that it never writes over, and are recognised there;
// any other string is kept as it is, not copied, and found again by its
// address. Either way one string keeps one address from the producer to
// the consumer: the history finds a string it has seen by its address,
// and strings are never written over.
type strTab struct {
	blocks [][]byte
	kept   []string
	cache  *[1 << strCacheBits]strCached
}

type strCached struct {
	p   *byte
	n   int
	ref strRef
}

// room returns a block with room for n more bytes (n ≤ strBlockMin)
// and its index. A table's first blocks are small, each twice the one
// before, up to strBlockSize: a topic that holds few strings takes
// little room.
func (st *strTab) room(n int) ([]byte, int) {
	if k := len(st.blocks) - 1; k >= 0 && cap(st.blocks[k])-len(st.blocks[k]) >= n {
		return st.blocks[k], k
	}
	size := strBlockSize // a ref's offset has 16 bits: no block is larger
	if k := len(st.blocks); k < 4 {
		size = min(strBlockMin<<k, strBlockSize)
	}
	st.blocks = append(st.blocks, make([]byte, 0, max(size, n)))
	return st.blocks[len(st.blocks)-1], len(st.blocks) - 1
}

// nameNumber returns name + "-" + the decimal n, spelled in the table.
func (st *strTab) nameNumber(name string, n int64) string {
	if len(name)+21 > strLongMax {
		return name + "-" + strconv.FormatInt(n, 10)
	}
	b, k := st.room(len(name) + 21)
	start := len(b)
	if n < 0 {
		b = strconv.AppendInt(append(append(b, name...), '-'), n, 10)
	} else {
		// spelled in place: the digits from the last one back
		nd := 1
		for v := n; v >= 10; v /= 10 {
			nd++
		}
		b = b[:start+len(name)+1+nd]
		copy(b[start:], name)
		b[start+len(name)] = '-'
		for i, v := len(b)-1, n; i > start+len(name); i, v = i-1, v/10 {
			b[i] = byte('0' + v%10)
		}
	}
	st.blocks[k] = b
	return unsafe.String(&b[start], len(b)-start)
}

// idSpeller spells the ids a producer numbers, name-n, into a strTab
// ([strTab.nameNumber]). The next id mostly has the number after the
// last one: it is spelled as a copy of the last id with its last digits
// carried, with no decimal conversion.
type idSpeller struct {
	last string // the id spelled last, in the table ("": none)
	n    int64  // its number
}

// spell returns name-n, spelled in st; name is the same at every call.
func (sp *idSpeller) spell(st *strTab, name string, n int64) string {
	prev := sp.last
	if n != sp.n+1 || prev == "" || len(name)+21 > strLongMax {
		s := st.nameNumber(name, n)
		sp.last, sp.n = s, n
		return s
	}
	b, k := st.room(len(prev))
	start := len(b)
	b = append(b, prev...) // within the block's room: b keeps its array
	i := len(b) - 1
	for b[i] == '9' {
		b[i] = '0'
		i--
	}
	if b[i] == '-' {
		// every digit was a 9: the number gains one
		s := st.nameNumber(name, n)
		sp.last, sp.n = s, n
		return s
	}
	b[i]++
	st.blocks[k] = b
	s := unsafe.String(&b[start], len(prev))
	sp.last, sp.n = s, n
	return s
}

// put returns the place of s, keeping it the first time.
func (st *strTab) put(s string) strRef {
	if len(s) == 0 {
		return 0
	}
	p := unsafe.StringData(s)
	// spelled in one of the last blocks: a producer's new id
	for k := len(st.blocks) - 1; k >= 0 && k >= len(st.blocks)-2; k-- {
		b := st.blocks[k]
		base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if a := uintptr(unsafe.Pointer(p)); a >= base && a+uintptr(len(s)) <= base+uintptr(len(b)) {
			return strRef(uint64(k)<<32 | uint64(a-base)<<16 | uint64(len(s)))
		}
	}
	// kept before (a key, a type), found by its address in a cache of
	// pairs of entries, the one used last first: a string missed there
	// is kept again, in another place
	if st.cache == nil {
		st.cache = new([1 << strCacheBits]strCached)
	}
	i := (uint64(uintptr(unsafe.Pointer(p))) * 0x9e3779b97f4a7c15) >> (64 - strCacheBits) &^ 1
	c, d := &st.cache[i], &st.cache[i+1]
	if c.p == p && c.n == len(s) {
		return c.ref
	}
	if d.p == p && d.n == len(s) {
		*c, *d = *d, *c
		return c.ref
	}
	ref := strRef(strRefKept | uint64(len(st.kept)))
	st.kept = append(st.kept, s)
	*d = *c
	c.p, c.n, c.ref = p, len(s), ref
	return ref
}

// str returns the string at ref.
func (st *strTab) str(ref strRef) string {
	switch {
	case ref == 0:
		return ""
	case ref&strRefKept != 0:
		return st.kept[ref&^strRefKept]
	}
	b := st.blocks[ref>>32]
	return unsafe.String(&b[ref>>16&0xffff], int(ref&0xffff))
}

// packAt writes r into lr as t's logs keep it, appended at time at by
// the idempotent producer pid in its epoch pepoch (pid 0: none). r's own
// topic, partition and offset are not read.
func (t *topic) packAt(lr *logRecord, r *Record, at sim.Time, pid int64, pepoch int) {
	*lr = logRecord{
		id: t.strs.put(r.ID), key: t.strs.put(r.Key), Amount: r.Amount, appended: at,
		idSym: r.tag.Event(), keySym: r.tag.Key(), typ: t.typeIndex(r.Type), Poison: r.Poison, control: r.control,
	}
	if r.Payload != "" || pid != 0 {
		e := logExtra{payload: t.strs.put(r.Payload)}
		if pid != 0 {
			e.pid, e.pepoch = pid, int32(pepoch)
		}
		lr.extra = t.addExtra(e)
	}
}

// addExtra returns the index of e in t's extras, adding it unless it is
// the last one (the records of a producer's batch share theirs).
func (t *topic) addExtra(e logExtra) uint32 {
	if len(t.extras) == 0 {
		t.extras = append(t.extras, logExtra{}) // index 0: none
	}
	if n := len(t.extras) - 1; n > 0 && t.extras[n] == e {
		return uint32(n)
	}
	if len(t.extras) > math.MaxUint32 {
		panic("model: too many log records with extras in topic " + t.name)
	}
	t.extras = append(t.extras, e)
	return uint32(len(t.extras) - 1)
}

// typeCacheBits sets the size of a topic's cache of types by address:
// 1<<typeCacheBits entries.
const typeCacheBits = 4

// typeIndex returns the index of type s in t's types, adding it the first
// time. A type is found by its address in a small cache, else by its
// spelling (a type spelled alike at another address reads back at the
// address it was added with).
func (t *topic) typeIndex(s string) uint32 {
	if s == "" {
		return 0
	}
	p := unsafe.StringData(s)
	c := &t.typeCache[(uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15)>>(64-typeCacheBits)]
	if c.p == p && c.n == len(s) {
		return c.idx
	}
	i, ok := t.typeIdx[s]
	if !ok {
		if len(t.types) == 0 {
			t.types = append(t.types, "") // index 0: no type
		}
		if len(t.types) > math.MaxUint32 {
			panic("model: too many record types in topic " + t.name)
		}
		i = uint32(len(t.types))
		if t.typeIdx == nil {
			t.typeIdx = map[string]uint32{}
		}
		t.typeIdx[s] = i
		t.types = append(t.types, s)
	}
	c.p, c.n, c.idx = p, len(s), i
	return i
}

// typeCached is an entry of a topic's cache of types by address.
type typeCached struct {
	p   *byte
	n   int
	idx uint32
}

// typeName returns the type at index i of t's types.
func (t *topic) typeName(i uint32) string {
	if i == 0 {
		return ""
	}
	return t.types[i]
}

// payload returns lr's payload.
func (t *topic) payload(lr *logRecord) string {
	if lr.extra == 0 {
		return ""
	}
	return t.strs.str(t.extras[lr.extra].payload)
}

// unpack writes into r the record lr of t's partition p at offset off.
func (t *topic) unpack(r *Record, lr *logRecord, p int, off int64) {
	*r = Record{
		ID: t.strs.str(lr.id), Key: t.strs.str(lr.key), Type: t.typeName(lr.typ), Amount: lr.Amount, Payload: t.payload(lr),
		Poison: lr.Poison, control: lr.control, Topic: t.name, Partition: p, Offset: off, tag: history.Hints(lr.idSym, lr.keySym),
	}
}

// record returns the record of t's partition p at offset off.
func (t *topic) record(p int, off int64) Record {
	var r Record
	t.unpack(&r, &t.partitions[p].records[off], p, off)
	return r
}
