package history

import (
	"sync"
	"sync/atomic"
)

// regionPool keeps the mapped regions of histories gone (closed, or
// collected: see [chunkMem]) for the next history that needs one, as Go's
// heap keeps the spans it freed: a history made afresh for each run then
// writes its records into memory the system has backed already, instead
// of faulting every page in again (and zeroing it). A region is pooled
// only once nothing refers to it: its history closed it, or its cleanup
// ran (the history unreachable). A region taken from the pool holds an
// earlier history's bytes, which a chunk's user overwrites (see
// newChunk), as a reset history's chunks do.
//
// The pool is bounded, in regions, so that the memory it keeps backed
// and unused stays small next to the histories that fill it; a region
// given back to a full pool is unmapped. The pool is shared by every
// history of the process (the cleanups run on a goroutine of their own):
// a lock guards it.
var regionPool struct {
	mu sync.Mutex
	rs [][]byte
}

// regionPoolMax is the most regions the pool keeps (128 MiB): the
// chunks of two histories of 600,000 records (a history made afresh and
// the one before it, given back when its cleanup runs).
const regionPoolMax = 4

// poisonPooled, when not 0 (set by tests), is the byte each region
// given to the pool is filled with, so that a record read from a region
// its history gave up shows.
var poisonPooled atomic.Uint32

// takeRegion returns a region of regionSize bytes, from the pool when it
// holds one; ok is false when none can be mapped.
func takeRegion() (b []byte, ok bool) {
	p := &regionPool
	p.mu.Lock()
	if n := len(p.rs); n > 0 {
		b = p.rs[n-1]
		p.rs[n-1] = nil
		p.rs = p.rs[:n-1]
		p.mu.Unlock()
		return b, true
	}
	p.mu.Unlock()
	return mapRegion(regionSize)
}

// giveRegion gives back region b, which nothing refers to any more: to
// the pool, or to the system when the pool is full.
func giveRegion(b []byte) {
	if v := poisonPooled.Load(); v != 0 {
		for i := range b {
			b[i] = byte(v)
		}
	}
	p := &regionPool
	p.mu.Lock()
	if len(b) == regionSize && len(p.rs) < regionPoolMax {
		p.rs = append(p.rs, b)
		b = nil
	}
	p.mu.Unlock()
	if b != nil {
		unmapRegion(b)
	}
}

// pooledRegions returns the number of regions in the pool.
func pooledRegions() int {
	p := &regionPool
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.rs)
}
