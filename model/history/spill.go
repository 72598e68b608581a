package history

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"unsafe"
)

// A history past its memory budget ([History.SpillOver]) spills: at each
// chunk boundary, its oldest full chunks of records and of side rows are
// written to a temporary file and dropped from memory, until what it
// holds is within the budget again. Reading a spilled chunk brings it
// back through a small cache of recently read chunks, so that a pass in
// order reads the file once. Records and side rows hold no pointers (their
// strings are symbols), so a chunk is written as its raw bytes; the symbol
// table stays in memory. The file is a cache of the history's own: every
// record read back is the one added, byte for byte.
//
// The file is removed from its folder as soon as it is made (where the
// system allows it), so that nothing is left behind even if the process
// dies; its space is freed when the history is Reset, Closed, or no longer
// used.
//
// A file that cannot be made, written or read leaves the history
// intact where it can: a chunk that cannot be written stays in memory, and
// spilling stops. The first such error is kept ([History.Err]); a record
// that could not be read back reads as the zero Entry, so a caller that
// judges or writes a spilled history must check Err after (WriteJSONL
// does).

// spillCacheLen is the number of chunks of records (and as many of side
// rows) kept in memory after being read back from the spill file.
const spillCacheLen = 4

// Sizes in bytes of a chunk of records and of side rows.
const (
	recChunkBytes  = chunkLen * int64(unsafe.Sizeof(Record{}))
	sideChunkBytes = chunkLen * int64(unsafe.Sizeof(extra{}))
)

// spillFile is where a history's spilled chunks go: a temporary file.
type spillFile interface {
	io.ReaderAt
	io.WriterAt
	Close() error
}

// openSpill makes the spill file in dir ("": the system's temporary
// folder). Tests replace it to make a file fail.
var openSpill = func(dir string) (spillFile, error) {
	f, err := os.CreateTemp(dir, "evsim-history-*.spill")
	if err != nil {
		return nil, err
	}
	t := &tempFile{File: f, name: f.Name()}
	if os.Remove(t.name) == nil {
		t.name = "" // unlinked: the system frees it when it is closed
	}
	return t, nil
}

// tempFile is a spill file on disk; name is set while it has one.
type tempFile struct {
	*os.File
	name string
}

func (f *tempFile) Close() error {
	err := f.File.Close()
	if f.name != "" {
		if rerr := os.Remove(f.name); err == nil {
			err = rerr
		}
	}
	return err
}

// spill is the spilling state of a history.
type spill struct {
	budget int64
	dir    string

	f       spillFile
	cleanup runtime.Cleanup
	end     int64 // bytes of the file

	// recAt and sideAt give the file offset of each spilled chunk; -1
	// (or past the end of the slice) for a chunk in memory.
	recAt, sideAt   []int64
	recOut, sideOut int // chunks spilled
	// kinds counts the records of each kind (by code) of each spilled
	// chunk of records, so that a pass over some kinds reads back only
	// the chunks that have them, and Count reads none.
	kinds             [][]uint16
	recFrom, sideFrom int // no chunk below it is in memory

	recs  chunkCache[Record]
	sides chunkCache[extra]

	err error
}

// chunkCache keeps the chunks last read back from the file, least
// recently used first out, and reuses the memory of the one it drops. A
// pass that holds a chunk across calls (OfKind, Compact) pins it, so that
// reads meanwhile do not reuse it; when every slot is pinned, a chunk is
// read into memory of its own, not cached.
type chunkCache[T any] struct {
	slot  [spillCacheLen]cacheSlot[T]
	tick  uint64
	reads int64
}

type cacheSlot[T any] struct {
	c    int // chunk index + 1; 0: none
	buf  []T
	used uint64
	pins int
}

// find returns the slot of chunk c, marked used, or -1.
func (k *chunkCache[T]) find(c int) int {
	for i := range k.slot {
		if s := &k.slot[i]; s.c == c+1 {
			k.tick++
			s.used = k.tick
			return i
		}
	}
	return -1
}

// take returns a slot for chunk c and the memory to read it into: the
// least recently used slot that is not pinned, or -1 and fresh memory.
func (k *chunkCache[T]) take(c int) (int, []T) {
	v := -1
	for i := range k.slot {
		if s := &k.slot[i]; s.pins <= 0 && (v < 0 || s.used < k.slot[v].used) {
			v = i
		}
	}
	if v < 0 {
		return -1, make([]T, chunkLen)
	}
	s := &k.slot[v]
	if s.buf == nil {
		s.buf = make([]T, chunkLen)
	}
	k.tick++
	s.c, s.used = c+1, k.tick
	return v, s.buf
}

func (k *chunkCache[T]) pin(i int) {
	if i >= 0 {
		k.slot[i].pins++
	}
}

func (k *chunkCache[T]) unpin(i int) {
	if i >= 0 && k.slot[i].pins > 0 {
		k.slot[i].pins--
	}
}

// drop forgets chunk c and its memory, which now belongs to the history.
func (k *chunkCache[T]) drop(c int) {
	for i := range k.slot {
		if s := &k.slot[i]; s.c == c+1 {
			s.c, s.buf, s.used = 0, nil, 0
		}
	}
}

// len returns the number of chunks of memory the cache holds.
func (k *chunkCache[T]) len() int {
	n := 0
	for i := range k.slot {
		if k.slot[i].buf != nil {
			n++
		}
	}
	return n
}

// SpillOver sets the history's memory budget: past budget bytes of
// [History.Bytes], its oldest full chunks go to a temporary file made in
// dir ("": [os.TempDir]) at the next chunk boundary. A budget of 0 stops
// spilling; chunks already spilled stay on disk until [History.Reset].
func (h *History) SpillOver(budget int64, dir string) {
	if h.sp == nil {
		if budget <= 0 {
			return
		}
		h.sp = &spill{}
	}
	h.sp.budget, h.sp.dir = budget, dir
}

// Err returns the first error of the history's spill file (it could not
// be made, written or read), or nil.
func (h *History) Err() error {
	if h.sp == nil {
		return nil
	}
	return h.sp.err
}

// DiskBytes returns the bytes of the history's spill file: the chunks it
// holds on disk rather than in memory.
func (h *History) DiskBytes() int64 {
	if h.sp == nil {
		return 0
	}
	return int64(h.sp.recOut)*recChunkBytes + int64(h.sp.sideOut)*sideChunkBytes
}

// Size returns the bytes of the whole history, in memory and on disk: its
// chunks of records and side rows (whole chunks counted) and its symbol
// table. Without spilling it is [History.Bytes].
func (h *History) Size() int64 {
	return int64(len(h.recs))*recChunkBytes + int64(len(h.sides))*sideChunkBytes + h.syms.bytes()
}

// SpillReads returns how many chunks were read back from the spill file.
func (h *History) SpillReads() int64 {
	if h.sp == nil {
		return 0
	}
	return h.sp.recs.reads + h.sp.sides.reads
}

// Close empties the history and frees everything it holds: its chunks and
// its spill file, whose error it returns (with [History.Err]'s).
func (h *History) Close() error {
	err := h.Err()
	if h.sp != nil {
		if cerr := h.sp.close(); err == nil {
			err = cerr
		}
		h.sp = nil
	}
	h.Reset()
	h.recs, h.sides = nil, nil
	h.mem.release()
	h.mem = nil
	return err
}

// spillDelta is what spilling changes in [History.Bytes]: the cache's
// chunks in, the spilled chunks out.
func (h *History) spillDelta() int64 {
	if h.sp == nil {
		return 0
	}
	s := h.sp
	return int64(s.recs.len()-s.recOut)*recChunkBytes + int64(s.sides.len()-s.sideOut)*sideChunkBytes
}

// spillOld spills the oldest full chunks until the history's memory is
// within its budget. It runs when a record starts a new chunk.
func (h *History) spillOld() {
	s := h.sp
	if s.budget <= 0 || s.err != nil {
		return
	}
	// Chunks past the one being filled are kept from before a Reset:
	// memory that is not needed yet.
	if cur := h.n >> chunkBits; len(h.recs) > cur+1 && h.Bytes() > s.budget {
		for _, c := range h.recs[cur+1:] {
			dropChunk(h, c)
		}
		clear(h.recs[cur+1:])
		h.recs = h.recs[:cur+1]
	}
	if cur := h.nx >> chunkBits; len(h.sides) > cur+1 && h.Bytes() > s.budget {
		for _, c := range h.sides[cur+1:] {
			dropChunk(h, c)
		}
		clear(h.sides[cur+1:])
		h.sides = h.sides[:cur+1]
	}
	for h.Bytes() > s.budget {
		r := s.recFrom < h.n>>chunkBits
		x := s.sideFrom < h.nx>>chunkBits
		if !r && !x {
			return
		}
		if r && !h.spillRecs(s.recFrom) {
			return
		}
		if x && !h.spillSides(s.sideFrom) {
			return
		}
	}
}

// spillRecs writes chunk c of records to the file and drops it; false
// when it could not.
func (h *History) spillRecs(c int) bool {
	s := h.sp
	at, ok := s.write(asBytes(h.recs[c]))
	if !ok {
		return false
	}
	s.recAt = setAt(s.recAt, c, at)
	for len(s.kinds) <= c {
		s.kinds = append(s.kinds, nil)
	}
	s.kinds[c] = countKinds(s.kinds[c], h.recs[c])
	dropChunk(h, h.recs[c])
	h.recs[c] = nil
	s.recOut++
	s.recFrom = c + 1
	return true
}

// spillSides writes chunk c of side rows to the file and drops it.
func (h *History) spillSides(c int) bool {
	s := h.sp
	at, ok := s.write(asBytes(h.sides[c]))
	if !ok {
		return false
	}
	s.sideAt = setAt(s.sideAt, c, at)
	dropChunk(h, h.sides[c])
	h.sides[c] = nil
	s.sideOut++
	s.sideFrom = c + 1
	return true
}

func setAt(at []int64, c int, off int64) []int64 {
	for len(at) <= c {
		at = append(at, -1)
	}
	at[c] = off
	return at
}

// write appends b to the file, making it first; false (and the error
// kept) when it could not.
func (s *spill) write(b []byte) (int64, bool) {
	if s.f == nil {
		f, err := openSpill(s.dir)
		if err != nil {
			s.fail(fmt.Errorf("history: make spill file: %w", err))
			return 0, false
		}
		s.f = f
		s.cleanup = runtime.AddCleanup(s, func(f spillFile) { f.Close() }, f)
	}
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		s.fail(fmt.Errorf("history: write %d bytes to spill file: %w", len(b), err))
		return 0, false
	}
	at := s.end
	s.end += int64(len(b))
	return at, true
}

func (s *spill) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// loadRecs returns spilled chunk c of records.
func (h *History) loadRecs(c int) []Record {
	buf, _ := h.recSlot(c)
	return buf
}

// recSlot returns spilled chunk c of records and its cache slot (-1:
// not cached).
func (h *History) recSlot(c int) ([]Record, int) {
	k := &h.sp.recs
	if i := k.find(c); i >= 0 {
		return k.slot[i].buf, i
	}
	i, buf := k.take(c)
	h.sp.read(asBytes(buf), h.sp.recAt[c])
	k.reads++
	return buf, i
}

// loadSides returns spilled chunk c of side rows.
func (h *History) loadSides(c int) []extra {
	k := &h.sp.sides
	if i := k.find(c); i >= 0 {
		return k.slot[i].buf
	}
	_, buf := k.take(c)
	h.sp.read(asBytes(buf), h.sp.sideAt[c])
	k.reads++
	return buf
}

// read fills b from the file at off; on an error b is left zero and the
// error kept.
func (s *spill) read(b []byte, off int64) {
	if n, err := s.f.ReadAt(b, off); n < len(b) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		clear(b)
		s.fail(fmt.Errorf("history: read spill file at %d: %w", off, err))
	}
}

// wroteRec writes record i back to the file when its chunk is spilled
// (the cache holds the changed copy). If it cannot, the chunk comes back
// to memory for good, so that nothing is lost.
func (h *History) wroteRec(i int) {
	c := i >> chunkBits
	if h.sp == nil || h.recs[c] != nil {
		return
	}
	s := h.sp
	buf := h.loadRecs(c)
	j := i & (chunkLen - 1)
	s.kinds[c] = countKinds(s.kinds[c], buf)
	if _, err := s.f.WriteAt(asBytes(buf[j:j+1]), s.recAt[c]+int64(j)*int64(unsafe.Sizeof(Record{}))); err != nil {
		s.fail(fmt.Errorf("history: write record %d to spill file: %w", i, err))
		h.recs[c], s.recAt[c] = buf, -1
		s.recs.drop(c)
		s.recOut--
	}
}

// wroteSide writes side row i back to the file when its chunk is spilled.
func (h *History) wroteSide(i uint32) {
	c := int(i >> chunkBits)
	if h.sp == nil || h.sides[c] != nil {
		return
	}
	s := h.sp
	buf := h.loadSides(c)
	j := int(i & (chunkLen - 1))
	if _, err := s.f.WriteAt(asBytes(buf[j:j+1]), s.sideAt[c]+int64(j)*int64(unsafe.Sizeof(extra{}))); err != nil {
		s.fail(fmt.Errorf("history: write side row %d to spill file: %w", i, err))
		h.sides[c], s.sideAt[c] = buf, -1
		s.sides.drop(c)
		s.sideOut--
	}
}

// resetSpill closes the spill file and keeps the chunks in memory for
// the records added next.
func (h *History) resetSpill() {
	s := h.sp
	s.close()
	h.recs = compact(h.recs)
	h.sides = compact(h.sides)
	*s = spill{budget: s.budget, dir: s.dir}
}

// compact returns cs without its spilled (nil) chunks.
func compact[T any](cs [][]T) [][]T {
	out := cs[:0]
	for _, c := range cs {
		if c != nil {
			out = append(out, c)
		}
	}
	clear(cs[len(out):])
	return out
}

func (s *spill) close() error {
	if s.f == nil {
		return nil
	}
	s.cleanup.Stop()
	err := s.f.Close()
	s.f = nil
	if err != nil {
		return fmt.Errorf("history: close spill file: %w", err)
	}
	return nil
}

// asBytes returns the memory of a chunk, which holds no pointers.
func asBytes[T Record | extra](c []T) []byte {
	if len(c) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&c[0])), len(c)*int(unsafe.Sizeof(c[0])))
}

// rec returns record i, reading its chunk back when it is spilled.
func (h *History) rec(i int) *Record {
	c := h.recs[i>>chunkBits]
	if c == nil {
		c = h.loadRecs(i >> chunkBits)
	}
	return &c[i&(chunkLen-1)]
}

// pinChunk returns chunk c of records, reading it back pinned in the
// cache when it is spilled (slot: its slot, for unpinChunk; -1 for
// none); nil when it is spilled and has none of the kinds set.
func (h *History) pinChunk(c int, set *kindSet) (chunk []Record, slot int) {
	if k := h.recs[c]; k != nil {
		return k, -1
	}
	if spilledCount(h.sp.kinds[c], set) == 0 {
		return nil, -1
	}
	chunk, slot = h.recSlot(c)
	h.sp.recs.pin(slot)
	return chunk, slot
}

// unpinChunk unpins the slot pinChunk gave.
func (h *History) unpinChunk(slot int) {
	if slot >= 0 && h.sp != nil {
		h.sp.recs.unpin(slot)
	}
}

// countKinds returns the number of records of each kind code in recs,
// in n's memory.
func countKinds(n []uint16, recs []Record) []uint16 {
	if n == nil {
		n = make([]uint16, len(kinds)+1)
	}
	clear(n)
	for j := range recs {
		n[recs[j].kind]++
	}
	return n
}

// spilledCount returns the number of records of chunk counts n whose kind
// is in set.
func spilledCount(n []uint16, set *kindSet) int {
	sum := 0
	for c, k := range n {
		if k != 0 && set.has(uint8(c)) {
			sum += int(k)
		}
	}
	return sum
}
