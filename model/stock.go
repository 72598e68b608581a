package model

import (
	"slices"
	"sync"
	"unsafe"
)

// stock keeps the arrays of the largest per-run slices of released
// systems ([System.Release]) for the next system's [System.Expect] to
// reserve from, so that a sweep worker does not fault in, and zero,
// fresh memory for them at every run. An array handed back keeps nothing
// of its system alive: its elements hold no pointer, or it is cleared as
// it is handed back ([stock.giveCleared]); what is left in it is never
// read (a partition log and a member's batch read only below their
// length and write whole what they append; delivery counts are cleared
// as they are lengthened). A stock holds at most
// stockMaxBytes; it is shared by the systems of every goroutine, hence
// its lock.
type stock[T any] struct {
	mu     sync.Mutex
	arrays [][]T
	bytes  int
}

// stockMaxBytes bounds the bytes of the arrays one stock keeps.
const stockMaxBytes = 256 << 20

var (
	logStock   stock[logRecord] // partition logs' records
	countStock stock[uint16]    // a group's delivery counts of a partition
	// recordStock holds the arrays of members' batches, which the broker
	// fetches records into ([Broker.visible]), and of producers' pending
	// records and requests.
	recordStock stock[Record]
	// eventStock holds the arrays of the event store's streams' chunks.
	eventStock stock[StoredEvent]
)

// take returns an empty array with room for n elements, a stocked one
// when one holds at most most, else a new one of room n.
func (st *stock[T]) take(n, most int) []T {
	st.mu.Lock()
	for i := len(st.arrays) - 1; i >= 0; i-- {
		if a := st.arrays[i]; cap(a) >= n && cap(a) <= most {
			st.arrays = append(st.arrays[:i], st.arrays[i+1:]...)
			st.bytes -= arrayBytes(a)
			st.mu.Unlock()
			return a[:0]
		}
	}
	st.mu.Unlock()
	return make([]T, 0, n)
}

// takeStocked returns an empty stocked array with room for at least n
// and at most most elements, or nil when the stock holds none.
func (st *stock[T]) takeStocked(n, most int) []T {
	st.mu.Lock()
	defer st.mu.Unlock()
	for i := len(st.arrays) - 1; i >= 0; i-- {
		if a := st.arrays[i]; cap(a) >= n && cap(a) <= most {
			st.arrays = append(st.arrays[:i], st.arrays[i+1:]...)
			st.bytes -= arrayBytes(a)
			return a[:0]
		}
	}
	return nil
}

// giveCleared is give of an array whose elements may hold pointers: it
// is cleared first.
func (st *stock[T]) giveCleared(s *[]T) {
	clear((*s)[:cap(*s)])
	st.give(s)
}

// reserve returns s with room for n elements, taking a stocked array
// when s is empty and one is large enough.
func (st *stock[T]) reserve(s []T, n int) []T {
	if cap(s) >= n {
		return s
	}
	if len(s) == 0 {
		st.mu.Lock()
		for i := len(st.arrays) - 1; i >= 0; i-- {
			if a := st.arrays[i]; cap(a) >= n {
				st.arrays = append(st.arrays[:i], st.arrays[i+1:]...)
				st.bytes -= arrayBytes(a)
				st.mu.Unlock()
				return a[:0]
			}
		}
		st.mu.Unlock()
	}
	return reserve(s, n)
}

// give hands the array of *s to the stock, if it has room, and empties
// *s.
func (st *stock[T]) give(s *[]T) {
	a := (*s)[:0]
	*s = nil
	if cap(a) == 0 {
		return
	}
	st.mu.Lock()
	if b := arrayBytes(a); st.bytes+b <= stockMaxBytes {
		st.arrays = append(st.arrays, a)
		st.bytes += b
	}
	st.mu.Unlock()
}

// arrayBytes returns the bytes of a's array.
func arrayBytes[T any](a []T) int {
	var zero T
	return cap(a) * int(unsafe.Sizeof(zero))
}

// Release hands the memory of the system's partition logs, delivery
// counts, producers' and members' record arrays, databases' tables, its
// event store's streams (of the event-sourced system built after it) and
// its world's ([sim.World.Release]) back for the next system built to
// reuse. Nothing of the system or its world may run or be read after it:
// call it once a run is over and only its history is read.
func (s *System) Release() {
	if s.World != nil {
		defer s.World.Release()
	}
	for _, t := range s.Broker.topics {
		if t.repl != nil {
			for _, ps := range t.repl {
				for _, r := range s.Broker.cluster.brokers {
					if l := r.logs[ps.idx]; l != nil {
						logStock.give(&l.records)
					}
				}
			}
			for i := range t.partitions {
				t.partitions[i].records = nil // views of the leaders' logs
			}
			continue
		}
		for i := range t.partitions {
			logStock.give(&t.partitions[i].records)
		}
	}
	for _, p := range s.Producers {
		p.release()
	}
	for _, g := range s.Broker.groups {
		for i := range g.attempts {
			countStock.give(&g.attempts[i])
		}
	}
	s.releaseBatches()
	for _, db := range s.DBs {
		db.release()
	}
	if s.es != nil {
		s.es.releaseStreams()
		for _, db := range s.es.DBs {
			db.release()
		}
	}
}

// releaseStreams hands the chunks of the event store's streams back,
// cleared: each chunk is one stream's own.
func (e *ESSystem) releaseStreams() {
	if e.Store == nil {
		return
	}
	for _, st := range e.Store.streams {
		for i := range st.events.chunks {
			eventStock.giveCleared(&st.events.chunks[i])
		}
		st.events = streamEvents{}
	}
}

// releaseBatches hands the arrays of the members' batches back: the batch
// in hand, the spare one, and those of a fetch that came back. An array
// goes from the broker to one member and stays with it (lent to its
// fetches, back in their answers), but it may be in two of these places
// at once, and is handed back once.
func (s *System) releaseBatches() {
	var given []*Record
	give := func(a *[]Record) {
		if cap(*a) == 0 {
			return
		}
		p := &(*a)[:1][0]
		if p == &poisonRecords[0] || slices.Contains(given, p) {
			*a = nil
			return
		}
		given = append(given, p)
		recordStock.giveCleared(a)
	}
	for _, m := range s.Members {
		give(&m.batch)
		give(&m.spare)
		if f := m.fetchSpare; f != nil {
			give(&f.buf)
			give(&f.reply.records)
		}
	}
}

// drain empties the stock.
func (st *stock[T]) drain() {
	st.mu.Lock()
	st.arrays, st.bytes = nil, 0
	st.mu.Unlock()
}
