package history

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// A history's chunks of records and side rows, and its symbol index, hold
// no pointers, so they need not live in the garbage-collected heap: where
// the system allows it (mapMem), each is a memory mapping of its own, which the collector
// neither scans nor counts when it decides when to collect next. A
// collector that lets the heap grow by GOGC percent of what it last found
// live would otherwise let a long run's heap hold its history twice over:
// the history, and as much garbage again. Chunks in mappings grow the
// process by the history once; the heap's headroom is then a share of the
// simulator's other memory only.
//
// A history unmaps a chunk when it spills it, its old index when it grows
// a new one, all its mappings when it is closed, and, through a cleanup, all of them when it is no longer used.
// [MappedBytes] says how much memory the mappings of every history hold,
// so that a measure of the heap can count them in.

// mappings are the chunk mappings of one history, by start address.
type mappings struct {
	size map[unsafe.Pointer]int
}

// mappedBytes is the memory every history's mappings hold.
var mappedBytes atomic.Int64

// MappedBytes returns the memory that the chunks of every history hold
// outside the garbage-collected heap (0 where the system does not allow
// it): what a measure of the process's memory adds to its heap.
func MappedBytes() int64 { return mappedBytes.Load() }

// newChunk returns a zeroed chunk of records or side rows for h.
func newChunk[T Record | extra](h *History) []T { return mapSlice[T](h, chunkLen) }

// mapSlice returns n zeroed values of a type without pointers for h: a
// mapping of its own, or heap memory where one cannot be made.
func mapSlice[T Record | extra | symSlot](h *History, n int) []T {
	var z T
	size := n * int(unsafe.Sizeof(z))
	p := mapMem(size)
	if p == nil {
		return make([]T, n)
	}
	if h.maps == nil {
		h.maps = &mappings{size: map[unsafe.Pointer]int{}}
		runtime.AddCleanup(h, func(m *mappings) { m.free() }, h.maps)
	}
	h.maps.size[p] = size
	mappedBytes.Add(int64(size))
	return unsafe.Slice((*T)(p), n)
}

// freeChunk unmaps c, if it is one of h's mappings; the caller drops
// every reference to it.
func freeChunk[T Record | extra | symSlot](h *History, c []T) {
	if h.maps == nil || len(c) == 0 {
		return
	}
	p := unsafe.Pointer(&c[0])
	if size, ok := h.maps.size[p]; ok {
		delete(h.maps.size, p)
		unmapMem(p, size)
		mappedBytes.Add(-int64(size))
	}
}

// free unmaps every mapping of m.
func (m *mappings) free() {
	for p, size := range m.size {
		unmapMem(p, size)
		mappedBytes.Add(-int64(size))
	}
	clear(m.size)
}
