package history

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// A history's first chunks are ordinary Go memory. Past hugeFrom chunks
// (records and side rows counted together), a history takes its chunks
// from regions of memory it maps itself (see mapRegion), outside the Go
// heap: memory that the system backs with huge pages where it can, so
// that filling a large history takes one page fault per 2 MiB instead
// of one per 4 KiB (a fault that costs microseconds in a virtual
// machine), and that the garbage collector neither counts nor clears.
// Chunks hold no pointers, so the collector never needs to see them.
//
// A history's mapped regions are its own: a [chunkMem] holds them and
// gives them back (to a bounded pool for the next history, see
// [regionPool], or to the system) when the history is closed or, failing
// that, when the chunkMem becomes unreachable (a cleanup); a History is
// not copied (see [History]), so no other holds it. A chunk dropped by
// spilling gives its memory back to the system and keeps its addresses
// until then. A pointer into mapped memory does
// not keep the history alive, as one into Go memory would: a method that
// reads a record or side row through a pointer after its last use of h
// ends with runtime.KeepAlive(h), and [History.Compact]'s records are
// the caller's only within the loop's step. A read after Close finds no
// record (the methods panic on an index past Len), and a Compact loop
// whose body closes the history panics at its next step.
const (
	hugeFrom   = 2
	regionSize = 32 << 20
)

// chunkMem is the mapped memory of a history.
type chunkMem struct {
	regions *regionList
	free    []byte   // the unused rest of the newest region
	spare   [][]byte // chunks dropped by spilling, to use again
	cleanup runtime.Cleanup
	failed  bool // mapping failed once: use Go memory from then on
}

// regionList is the regions a chunkMem mapped, in an object of its own
// so that its cleanup can give them back, and the bytes of their chunks in
// use.
type regionList struct {
	rs    [][]byte
	inUse int64
}

// giveBack gives the regions back (see [regionPool]).
func (l *regionList) giveBack() {
	for _, r := range l.rs {
		giveRegion(r)
	}
	l.rs = nil
	mapped.Add(-l.inUse)
	l.inUse = 0
}

// use counts n bytes of chunks taken (n > 0) or given back (n < 0).
func (l *regionList) use(n int64) {
	l.inUse += n
	mapped.Add(n)
}

// mapped is the bytes of chunks in use in mapped memory, across every
// history of the process.
var mapped atomic.Int64

// MappedBytes returns the bytes of history chunks the process keeps in
// memory mapped outside the Go heap, across all its histories: the Go
// runtime's heap figures do not count them, so a measure of a run's
// memory adds them.
func MappedBytes() int64 { return mapped.Load() }

// newChunk returns a chunk of records or side rows for h, whose contents
// the caller overwrites: fresh Go memory (zeroed) while h is small,
// mapped memory past that.
func newChunk[T Record | extra](h *History) []T {
	if len(h.recs)+len(h.sides) < hugeFrom {
		return make([]T, chunkLen)
	}
	if h.mem == nil {
		h.mem = &chunkMem{regions: &regionList{}}
	}
	m := h.mem
	size := chunkLen * int(unsafe.Sizeof(*new(T)))
	for i, b := range m.spare {
		if len(b) == size {
			m.spare[i] = m.spare[len(m.spare)-1]
			m.spare = m.spare[:len(m.spare)-1]
			m.regions.use(int64(size))
			return asChunk[T](b)
		}
	}
	if len(m.free) < size && !m.failed {
		r, ok := takeRegion()
		if !ok {
			m.failed = true
		} else {
			if len(m.regions.rs) == 0 {
				m.cleanup = runtime.AddCleanup(m, (*regionList).giveBack, m.regions)
			}
			m.regions.rs = append(m.regions.rs, r)
			m.free = r
		}
	}
	if len(m.free) < size {
		return make([]T, chunkLen)
	}
	b := m.free[:size:size]
	m.free = m.free[size:]
	m.regions.use(int64(size))
	return asChunk[T](b)
}

// asChunk returns the chunk whose memory is b.
func asChunk[T Record | extra](b []byte) []T {
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), chunkLen)
}

// dropChunk gives the memory of chunk c, which h no longer uses, back to
// the system when it is mapped memory, and keeps its addresses for a
// chunk h needs later (Go memory goes to the collector).
func dropChunk[T Record | extra](h *History, c []T) {
	if h.mem == nil || len(c) == 0 {
		return
	}
	b := asBytes(c)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	for _, r := range h.mem.regions.rs {
		base := uintptr(unsafe.Pointer(unsafe.SliceData(r)))
		if p >= base && p < base+uintptr(len(r)) {
			releaseRegion(b)
			h.mem.regions.use(-int64(len(b)))
			h.mem.spare = append(h.mem.spare, b)
			return
		}
	}
}

// release gives the memory of m back at once; h's chunks must be gone.
func (m *chunkMem) release() {
	if m == nil {
		return
	}
	m.cleanup.Stop()
	m.regions.giveBack()
	m.free, m.spare = nil, nil
}
