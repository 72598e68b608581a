package model

import (
	"strconv"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// logRecord is a record as a partition log keeps it: its strings are
// places in the topic's [strTab], so that a log, the model's largest
// structure, holds no pointer and the garbage collector never scans it.
// The topic name is the log's own and is not kept.
type logRecord struct {
	id, key, typ, payload strRef
	Amount, Offset        int64
	appended              sim.Time
	pid, seq              int64
	Partition             int32
	epoch, pepoch         int32
	Poison                bool
	control               uint8
	aborted               bool
	idSym, keySym         history.Sym // see Record
}

// strRef is the place of a string in a [strTab]: for a string in a
// block, the block's index in the high 32 bits, the offset in the next 16
// and the length in the low 16; for a long string (bit 63 set), its index
// among the table's long strings. Zero is the empty string.
type strRef uint64

const (
	strBlockSize = 1 << 16 // the most bytes of a block
	strBlockMin  = 1 << 12 // the bytes of a table's first block
	strLongMax   = 1 << 12 // a longer string is kept as it is, not copied
	strRefLong   = 1 << 63
	strCacheLen  = 1 << 9
)

// strTab holds the strings of a topic's log records, spelled into blocks
// of bytes that it never writes over: a record keeps a strRef instead of
// a string. The strings a producer spells there ([strTab.nameNumber])
// are recognised and kept in place, and a string stored before is found
// by its address, so that one string keeps one address from the producer
// to the consumer (the history finds a string it has seen by its
// address).
type strTab struct {
	blocks [][]byte
	long   []string
	cache  *[strCacheLen]strCached
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

// put returns the place of s, storing it the first time.
func (st *strTab) put(s string) strRef {
	if len(s) == 0 {
		return 0
	}
	p := unsafe.StringData(s)
	// stored before (a string the table did not spell: a key, a type),
	// found by its address; a string is cached only when it is in none
	// of the last blocks, which it can then never be in
	if st.cache == nil {
		st.cache = new([strCacheLen]strCached)
	}
	c := &st.cache[(uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15)>>(64-9)]
	if c.p == p && c.n == len(s) {
		return c.ref
	}
	// spelled in one of the last blocks
	for k := len(st.blocks) - 1; k >= 0 && k >= len(st.blocks)-2; k-- {
		b := st.blocks[k]
		base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if a := uintptr(unsafe.Pointer(p)); a >= base && a+uintptr(len(s)) <= base+uintptr(len(b)) {
			return strRef(uint64(k)<<32 | uint64(a-base)<<16 | uint64(len(s)))
		}
	}
	var ref strRef
	if len(s) > strLongMax {
		ref = strRef(strRefLong | uint64(len(st.long)))
		st.long = append(st.long, s)
	} else {
		b, k := st.room(len(s))
		ref = strRef(uint64(k)<<32 | uint64(len(b))<<16 | uint64(len(s)))
		st.blocks[k] = append(b, s...)
	}
	c.p, c.n, c.ref = p, len(s), ref
	return ref
}

// str returns the string at ref.
func (st *strTab) str(ref strRef) string {
	switch {
	case ref == 0:
		return ""
	case ref&strRefLong != 0:
		return st.long[ref&^strRefLong]
	}
	b := st.blocks[ref>>32]
	return unsafe.String(&b[ref>>16&0xffff], int(ref&0xffff))
}

// packAt writes r into lr as t's logs keep it, appended to partition p
// at offset off at time at (r's own partition, offset and time are not
// read).
func (t *topic) packAt(lr *logRecord, r *Record, p int, off int64, at sim.Time) {
	*lr = logRecord{
		id: t.strs.put(r.ID), key: t.strs.put(r.Key), typ: t.strs.put(r.Type), payload: t.strs.put(r.Payload),
		Amount: r.Amount, Offset: off, appended: at, Partition: int32(p),
		Poison: r.Poison, control: r.control, idSym: r.idSym, keySym: r.keySym,
	}
}

// unpack writes the record lr of one of t's logs into r.
func (t *topic) unpack(r *Record, lr *logRecord) {
	*r = Record{
		ID: t.strs.str(lr.id), Key: t.strs.str(lr.key), Type: t.strs.str(lr.typ), Payload: t.strs.str(lr.payload),
		Amount: lr.Amount, Poison: lr.Poison, Topic: t.name, Partition: int(lr.Partition), Offset: lr.Offset,
		control: lr.control, idSym: lr.idSym, keySym: lr.keySym,
	}
}

// record returns the record lr of one of t's logs.
func (t *topic) record(lr *logRecord) Record {
	return Record{
		ID: t.strs.str(lr.id), Key: t.strs.str(lr.key), Type: t.strs.str(lr.typ), Payload: t.strs.str(lr.payload),
		Amount: lr.Amount, Poison: lr.Poison, Topic: t.name, Partition: int(lr.Partition), Offset: lr.Offset,
		control: lr.control, idSym: lr.idSym, keySym: lr.keySym,
	}
}
