package history

import (
	"hash/maphash"
	"math"
	"strings"
	"unsafe"
)

// Sym is a string interned in a history's symbol table: a name, an event
// id, a key, a crash point. Symbol 0 is the empty string.
type Sym uint32

// symbols interns strings: each distinct string is kept once, and a
// record refers to it by number.
//
// A recorder passes the same few names (its nodes, topics, groups) and
// each event id several times (its publish, append, delivery, effect),
// each time the same string: the same bytes at the same address. A small
// cache keyed by that address answers those without hashing the string.
// An entry holds its string's address, so that the address cannot be
// reused by another string while the entry is there.
//
// A string of the form name-number (a prefix, a dash and a decimal number
// of at most 9 digits without a leading zero: an event id a producer
// numbers, a key) is kept apart from the index: its symbol sits in a
// table of its prefix's, by number, in pages of symbols. A producer's new
// ids then take the next slots of one page instead of a random slot of
// the index each (a cache miss on a large history). Where a string lives
// depends on the string alone, so that each string has one symbol however
// it is interned.
type symbols struct {
	// strs holds the strings by symbol, in chunks of symChunkLen that
	// never move: the table grows without copying its strings or leaving
	// the old copy to the collector.
	strs [][]string
	n    int // strings held, the empty string's included
	// index finds a string's symbol by its hash: an open-addressing
	// table (linear probing, at most half full) of the symbols' hashes
	// and numbers. Looking a new string up and adding it is one probe
	// sequence; growing rehashes from the stored hashes.
	index []symSlot
	seed  maphash.Seed
	cache *[symCacheLen]symCached
	// size is the bytes of strs's strings and headers and of their index
	// entries.
	size int64
	// indexed is the number of symbols in index.
	indexed int
	// The symbols of numbered strings: seriesOf gives the series of a
	// prefix, pages the offset in the slab of a page of a series (by
	// series and page number), slab the pages' symbols, in chunks of
	// slabChunkLen that never move (a new page costs no copy of the
	// others), slabN the symbols of its pages; lastSeries is the series
	// last used. slab and pages hold no pointers.
	seriesOf   map[string]*series
	pages      map[uint64]uint32
	slab       [][]Sym
	slabN      int
	lastSeries *series
	// last holds, per record field that mostly repeats (node, group,
	// topic, event, type, service), the string last interned there.
	last [6]symCached
	// types holds the two strings last interned as an event type: a
	// type goes by at two addresses, the producer's and the log's.
	types [2]symCached
	// gen is the table's generation (see [Name]): 0 until a Name takes
	// its symbol, and again once the table is emptied.
	gen uint64
}

// symSlot is a slot of the index: y is 0 when the slot is free. hash is
// the low half of the symbol's hash, which places it (so that the index
// grows without hashing again) and tells most other strings apart.
type symSlot struct {
	hash uint32
	y    Sym
}

// symChunkLen is the number of strings of a chunk of strs.
const (
	symChunkBits = 12
	symChunkLen  = 1 << symChunkBits
)

// add appends s, whose symbol is then t.n-1.
func (t *symbols) add(s string) {
	if t.n>>symChunkBits == len(t.strs) {
		t.strs = append(t.strs, make([]string, symChunkLen))
	}
	t.strs[t.n>>symChunkBits][t.n&(symChunkLen-1)] = s
	t.n++
}

// series is the numbered strings of one prefix: its number, and the page
// last used (cached: page and off are set) and its offset in the slab.
// dense holds 1 + the offset of each of its first pages that has one (0:
// none), the pages a producer numbering its ids from 1 fills in order;
// the others are in the table's pages.
type series struct {
	prefix string
	told   string // the prefix as a recorder told it last (see isPrefix)
	id     uint32
	cached bool
	page   uint32
	off    uint32
	dense  []uint32
}

// isPrefix reports whether p is the series's prefix: mostly the string a
// recorder told last, at the same address, which it tells without
// comparing bytes.
func (sr *series) isPrefix(p string) bool {
	if unsafe.StringData(p) == unsafe.StringData(sr.told) && len(p) == len(sr.told) {
		return true
	}
	if p != sr.prefix {
		return false
	}
	sr.told = p
	return true
}

// seriesDenseGap is how far past its dense pages a series's new page may
// be and still extend them (to itself, the pages between left empty).
const seriesDenseGap = 64

// seriesPageLen is the numbers of a page of a series: small, so that the
// few numbers of a prefix (or numbers far apart) take little room.
const (
	seriesPageBits = 3
	seriesPageLen  = 1 << seriesPageBits
)

// numbered splits s of the form prefix-n (n a decimal number of 1 to 9
// digits, without a leading zero unless it is 0) into its prefix and n;
// ok is false for any other string.
func numbered(s string) (prefix string, n uint32, ok bool) {
	// one pass from the last digit back, over at most 9 digits: a tenth
	// one stands where the dash must
	i, pow := len(s), uint32(1)
	for i > 0 && len(s)-i < 9 {
		c := s[i-1] - '0'
		if c > 9 {
			break
		}
		n += uint32(c) * pow
		pow *= 10
		i--
	}
	d := len(s) - i
	if d == 0 || i == 0 || s[i-1] != '-' || d > 1 && s[i] == '0' {
		return "", 0, false
	}
	return s[:i-1], n, true
}

// spells reports whether s is prefix, a dash and the decimal n (n > 0),
// the form [numbered] reads.
func spells(s, prefix string, n uint32) bool {
	i := len(s)
	for ; n > 0; n /= 10 {
		if i == 0 || s[i-1] != byte('0'+n%10) {
			return false
		}
		i--
	}
	if i != len(prefix)+1 || s[i-1] != '-' {
		return false
	}
	if len(prefix) > 16 {
		return s[:i-1] == prefix
	}
	for j := range len(prefix) { // a short name: no call
		if s[j] != prefix[j] {
			return false
		}
	}
	return true
}

// slot returns the place in t.slab of number n's symbol in prefix's
// series, making the series and the page when add is true; ok is false
// when there is none.
func (t *symbols) slot(prefix string, n uint32, add bool) (i int, ok bool) {
	sr := t.lastSeries
	if sr == nil || sr.prefix != prefix {
		sr = t.seriesOf[prefix]
		if sr == nil {
			if !add {
				return 0, false
			}
			if t.seriesOf == nil {
				t.seriesOf, t.pages = map[string]*series{}, map[uint64]uint32{}
			}
			sr = &series{prefix: strings.Clone(prefix), id: uint32(len(t.seriesOf))}
			sr.told = sr.prefix
			t.seriesOf[sr.prefix] = sr
		}
		t.lastSeries = sr
	}
	return t.pageSlot(sr, n, add)
}

// cachedSlot returns the place in the slab of number n of the series
// when it is on the page last used (inline); ok is false otherwise.
func (sr *series) cachedSlot(n uint32) (i int, ok bool) {
	return int(sr.off) + int(n&(seriesPageLen-1)), sr.cached && sr.page == n>>seriesPageBits
}

// pageSlot is slot in the series sr.
func (t *symbols) pageSlot(sr *series, n uint32, add bool) (i int, ok bool) {
	if i, ok := sr.cachedSlot(n); ok {
		return i, true
	}
	pg := n >> seriesPageBits
	var off uint32
	found := false
	if pg < uint32(len(sr.dense)) && sr.dense[pg] != 0 {
		off, found = sr.dense[pg]-1, true
	} else if len(t.pages) > 0 {
		off, found = t.pages[uint64(sr.id)<<32|uint64(pg)]
	}
	if !found {
		if !add {
			return 0, false
		}
		off = t.newPage()
		switch {
		case pg < uint32(len(sr.dense)):
			sr.dense[pg] = off + 1
		case pg <= uint32(len(sr.dense))+seriesDenseGap:
			sr.dense = append(sr.dense, make([]uint32, int(pg)+1-len(sr.dense))...)
			sr.dense[pg] = off + 1
		default:
			t.pages[uint64(sr.id)<<32|uint64(pg)] = off
		}
	}
	sr.cached, sr.page, sr.off = true, pg, off
	return int(sr.off) + int(n&(seriesPageLen-1)), true
}

// slabChunkLen is the symbols of a chunk of the slab: 128 pages.
const (
	slabChunkBits = 10
	slabChunkLen  = 1 << slabChunkBits
)

// newPage returns the offset of a new page of the slab, whose symbols
// are 0.
func (t *symbols) newPage() uint32 {
	off := t.slabN
	if off>>slabChunkBits == len(t.slab) {
		t.slab = append(t.slab, make([]Sym, slabChunkLen))
	}
	t.slabN += seriesPageLen
	return uint32(off)
}

// slabAt returns symbol i of the slab.
func (t *symbols) slabAt(i int) *Sym { return &t.slab[i>>slabChunkBits][i&(slabChunkLen-1)] }

// symIndexMin is the size of a new index.
const symIndexMin = 1 << 9

// symCacheLen is the number of entries of a symbol table's address
// cache (256 KiB), made once the table holds symCacheFrom strings: a small
// table's index is as fast.
const (
	symCacheLen  = 1 << symCacheBits
	symCacheBits = 14
	symCacheFrom = 256
)

// symCached is an entry of the address cache or of a field's memo: the
// address and length of a string, and its symbol. Its 16 bytes keep four
// entries to a cache line.
type symCached struct {
	p *byte
	n uint32
	y Sym
}

// is reports whether c holds s: the same bytes at the same address.
func (c *symCached) is(s string) bool {
	return c.p == unsafe.StringData(s) && uint(c.n) == uint(len(s))
}

// set makes c hold s, whose symbol is y; a string too long for n is not
// kept.
func (c *symCached) set(s string, y Sym) {
	if uint(len(s)) > math.MaxUint32 {
		*c = symCached{}
		return
	}
	c.p, c.n, c.y = unsafe.StringData(s), uint32(len(s)), y
}

// symCacheSlot returns the cache slot of the string at address p.
func symCacheSlot(p *byte) uint {
	return uint((uint64(uintptr(unsafe.Pointer(p))) * 0x9e3779b97f4a7c15) >> (64 - symCacheBits))
}

// intern returns s's symbol, adding s to the table the first time.
func (t *symbols) intern(s string) Sym {
	if s == "" {
		return 0
	}
	prefix, num, isNum := numbered(s)
	if sr := t.lastSeries; isNum && sr != nil && sr.prefix == prefix {
		// the series of the string before: no need of the cache (nor of
		// the index, which the series's first string made)
		i, _ := t.pageSlot(sr, num, true)
		return t.numberedAt(i, s)
	}
	var c *symCached
	if t.cache != nil {
		c = &t.cache[symCacheSlot(unsafe.StringData(s))]
		if c.is(s) {
			return c.y
		}
	}
	if t.index == nil {
		t.seed = maphash.MakeSeed()
		t.index = t.newIndex(symIndexMin)
		t.n = 0
		t.add("")
	}
	var y Sym
	if isNum {
		y = t.internNumbered(prefix, num, s)
	} else {
		hash := maphash.String(t.seed, s)
		var i int
		i, y = t.find(s, hash)
		if y == 0 {
			y = Sym(t.n)
			t.add(s)
			t.index[i] = symSlot{uint32(hash), y}
			t.size += int64(len(s)) + symOverhead
			t.indexed++
			if 2*t.indexed > len(t.index) {
				t.grow()
			}
		}
	}
	switch {
	case c != nil:
		c.set(s, y)
	case t.n >= symCacheFrom:
		t.cache = new([symCacheLen]symCached)
	}
	return y
}

// internNumbered returns the symbol of s, which is prefix-n, adding s the
// first time.
func (t *symbols) internNumbered(prefix string, n uint32, s string) Sym {
	if t.index == nil {
		t.seed = maphash.MakeSeed()
		t.index = t.newIndex(symIndexMin)
		t.n = 0
		t.add("")
	}
	i, _ := t.slot(prefix, n, true)
	return t.numberedAt(i, s)
}

// numberedAt returns the symbol of the numbered string s, whose place in
// the slab is i, adding s the first time.
func (t *symbols) numberedAt(i int, s string) Sym {
	p := t.slabAt(i)
	y := *p
	if y == 0 {
		y = Sym(t.n)
		*p = y
		t.add(s)
		t.size += int64(len(s)) + symOverhead
	}
	return y
}

// find returns the slot of s in the index and its symbol, or the free
// slot where s goes and 0.
func (t *symbols) find(s string, hash uint64) (int, Sym) {
	mask := len(t.index) - 1
	h := uint32(hash)
	for i := int(h) & mask; ; i = (i + 1) & mask {
		sl := t.index[i]
		if sl.y == 0 || sl.hash == h && t.str(sl.y) == s {
			return i, sl.y
		}
	}
}

// newIndex returns an empty index of n slots.
func (t *symbols) newIndex(n int) []symSlot { return make([]symSlot, n) }

// grow doubles the index.
func (t *symbols) grow() {
	old := t.index
	t.index = t.newIndex(2 * len(old))
	mask := len(t.index) - 1
	for _, sl := range old {
		if sl.y == 0 {
			continue
		}
		i := int(sl.hash) & mask
		for t.index[i].y != 0 {
			i = (i + 1) & mask
		}
		t.index[i] = sl
	}
}

// lookup returns the symbol of s; ok is false when the table does not
// hold s.
func (t *symbols) lookup(s string) (y Sym, ok bool) {
	if s == "" {
		return 0, true
	}
	if t.index == nil {
		return 0, false
	}
	if prefix, n, ok := numbered(s); ok {
		if i, ok := t.slot(prefix, n, false); ok {
			y := *t.slabAt(i)
			return y, y != 0
		}
		return 0, false
	}
	_, y = t.find(s, maphash.String(t.seed, s))
	return y, y != 0
}

// internLast is intern for a field whose last string is kept in m: the
// same string again (same bytes at the same address) costs a compare.
func (t *symbols) internLast(m *symCached, s string) Sym {
	if m.is(s) {
		return m.y
	}
	y := t.intern(s)
	m.set(s, y)
	return y
}

// internEventLast is internLast of an event id s, told to be prefix-n
// (a numbered string) when n is not 0: when it is, and prefix is the
// series of the string interned before, s takes its slot there as intern
// would find it, without looking n up again. The tale is checked, never
// trusted: an s that is not prefix-n is interned as any string is.
func (t *symbols) internEventLast(m *symCached, s, prefix string, n uint32) Sym {
	if m.is(s) {
		return m.y
	}
	var y Sym
	if sr := t.lastSeries; n != 0 && n <= 999_999_999 && sr != nil && sr.isPrefix(prefix) && spells(s, prefix, n) {
		i, ok := sr.cachedSlot(n)
		if !ok {
			i, _ = t.pageSlot(sr, n, true)
		}
		y = t.numberedAt(i, s)
	} else {
		y = t.intern(s)
	}
	m.set(s, y)
	return y
}

// internLast2Next interns s for a field whose last two strings are kept
// in m (a field that mostly takes one of two, as an event type goes by at
// two addresses: the producer's and the log's), when neither is s (the
// caller tells that first, inline): s takes m[0], the string before it
// m[1].
func (t *symbols) internLast2Next(m *[2]symCached, s string) Sym {
	y := t.intern(s)
	m[1] = m[0]
	m[0].set(s, y)
	return y
}

// reset empties the table, keeping its memory.
func (t *symbols) reset() {
	if t.n <= 1 && t.indexed == 0 && t.size == 0 && t.gen == 0 &&
		t.last == [len(t.last)]symCached{} && t.types == [len(t.types)]symCached{} {
		// Nothing interned since the table was emptied (a history reset
		// when released and again when taken for the next run): its
		// index, slab and cache are clear already.
		return
	}
	t.last = [len(t.last)]symCached{}
	t.types = [len(t.types)]symCached{}
	t.gen = 0
	clear(t.index)
	for c := range t.strs[:(t.n+symChunkLen-1)>>symChunkBits] {
		clear(t.strs[c]) // the strings are the history's no more
	}
	if t.n > 0 {
		t.n = 1
	}
	for c := range t.slab[:(t.slabN+slabChunkLen-1)>>slabChunkBits] {
		clear(t.slab[c]) // the pages stay, for the same numbers again
	}
	t.size, t.indexed = 0, 0
	if t.cache != nil {
		*t.cache = [symCacheLen]symCached{}
	}
}

// is reports whether y, not 0, is the symbol of s: mostly the same bytes
// at the same address, which it tells without comparing them.
func (t *symbols) is(y Sym, s string) bool {
	if y == 0 || int(y) >= t.n {
		return false
	}
	p := t.strs[y>>symChunkBits][y&(symChunkLen-1)]
	return len(p) == len(s) && (unsafe.StringData(p) == unsafe.StringData(s) || p == s)
}

// str returns the string of symbol y.
func (t *symbols) str(y Sym) string {
	if y == 0 {
		return ""
	}
	return t.strs[y>>symChunkBits][y&(symChunkLen-1)]
}

// symOverhead estimates the bytes a symbol costs besides its string's:
// its header in strs and its index entry.
const symOverhead = 16 + 24

// bytes estimates the memory the table holds: each string's bytes and
// header, its index entry, and the address cache.
func (t *symbols) bytes() int64 {
	n := t.size
	if t.n > 0 {
		n += symOverhead // the empty string's
	}
	if t.cache != nil {
		n += int64(unsafe.Sizeof(*t.cache))
	}
	return n
}
