package model

import (
	"sync"
	"unsafe"
)

// logStock keeps the record arrays of the partition logs of released
// systems ([System.Release]) for the next system's [System.Expect] to
// reserve, so that a sweep worker does not fault in, and zero, fresh
// memory for its logs at every run. A logRecord holds no pointer: an
// array handed back keeps nothing of its system alive, and the records
// left in it are never read (a log reads only below its length, and
// appends overwrite them). The stock holds at most logStockMax bytes;
// it is shared by the systems of every goroutine, hence its lock.
var logStock struct {
	sync.Mutex
	arrays [][]logRecord
	bytes  int
}

// logStockMax bounds the bytes of the arrays the stock keeps.
const logStockMax = 256 << 20

// reserveLog returns s with room for n records, taking a stocked array
// when s is empty and one is large enough.
func reserveLog(s []logRecord, n int) []logRecord {
	if cap(s) >= n {
		return s
	}
	if len(s) == 0 {
		st := &logStock
		st.Lock()
		for i := len(st.arrays) - 1; i >= 0; i-- {
			if a := st.arrays[i]; cap(a) >= n {
				st.arrays = append(st.arrays[:i], st.arrays[i+1:]...)
				st.bytes -= arrayBytes(a)
				st.Unlock()
				return a[:0]
			}
		}
		st.Unlock()
	}
	return reserve(s, n)
}

// giveLog hands the array of *s to the stock, if it has room, and
// empties *s.
func giveLog(s *[]logRecord) {
	a := (*s)[:0]
	*s = nil
	if cap(a) == 0 {
		return
	}
	st := &logStock
	st.Lock()
	if st.bytes+arrayBytes(a) <= logStockMax {
		st.arrays = append(st.arrays, a)
		st.bytes += arrayBytes(a)
	}
	st.Unlock()
}

// arrayBytes returns the bytes of a's array.
func arrayBytes(a []logRecord) int { return cap(a) * int(unsafe.Sizeof(logRecord{})) }

// Release hands the memory of the system's partition logs back for the
// next system built to reuse. Nothing of the system may run or be read
// after it: call it once a run is over and only its history is read.
func (s *System) Release() {
	for _, t := range s.Broker.topics {
		if t.repl != nil {
			for _, ps := range t.repl {
				for _, r := range s.Broker.cluster.brokers {
					if l := r.logs[ps.idx]; l != nil {
						giveLog(&l.records)
					}
				}
			}
			for i := range t.partitions {
				t.partitions[i].records = nil // views of the leaders' logs
			}
			continue
		}
		for i := range t.partitions {
			giveLog(&t.partitions[i].records)
		}
	}
}
