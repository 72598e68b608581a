package model

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// runReleased runs cfg at seed for d and returns its history's entries,
// the address of each partition log's array as the run left it, and
// releases the system.
func runReleased(t *testing.T, cfg Config, seed uint64, d time.Duration) ([]history.Entry, []*logRecord) {
	t.Helper()
	w, s, h := buildSystem(t, cfg, seed)
	s.Expect(d)
	s.Start()
	w.Run(sim.Time(d), 0)
	var arrays []*logRecord
	for _, t := range s.Broker.topics {
		for i := range t.partitions {
			arrays = append(arrays, unsafe.SliceData(t.partitions[i].records))
		}
	}
	s.Release()
	for _, t := range s.Broker.topics {
		for i := range t.partitions {
			if t.partitions[i].records != nil {
				panic("a released log keeps its array")
			}
		}
	}
	return h.Entries(), arrays
}

// TestReleasedArraysAreReusedUnchanged runs a system, releases it, and
// runs another on the arrays it left (full of the first run's records):
// the second run's history must be the one it has on fresh memory, and
// its logs must have taken the released arrays.
func TestReleasedArraysAreReusedUnchanged(t *testing.T) {
	const d = 50 * time.Millisecond
	cfg := benchConfig(CommitInterval)
	want, _ := runReleased(t, cfg, 1, d)
	// drain the stock, so that the next run starts on released arrays
	// of a run with another seed
	logStock.mu.Lock()
	logStock.arrays, logStock.bytes = nil, 0
	logStock.mu.Unlock()
	_, first := runReleased(t, cfg, 2, d)
	got, second := runReleased(t, cfg, 1, d)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("a run on released arrays recorded another history (%d entries, want %d)", len(got), len(want))
	}
	reused := 0
	for _, a := range second {
		for _, b := range first {
			if a == b {
				reused++
			}
		}
	}
	if reused != len(second) {
		t.Fatalf("%d of %d logs took a released array", reused, len(second))
	}
}

// TestProducerArraysComeBackFromTheStock: a released producer hands its
// record arrays (its partitions' pending records, its requests') to the
// stock, and the producer of the next system takes them back; a run
// whose producer fills arrays a run of another seed left records the
// history it records on fresh memory.
func TestProducerArraysComeBackFromTheStock(t *testing.T) {
	const d = 50 * time.Millisecond
	cfg := benchConfig(CommitInterval)
	run := func(seed uint64) (es []history.Entry, given, taken map[*Record]bool) {
		w, s, h := buildSystem(t, cfg, seed)
		s.Expect(d)
		taken = map[*Record]bool{}
		s.Start()
		for at := sim.Time(0); at < sim.Time(d); at += sim.Time(time.Millisecond) {
			w.Run(at, 0)
			for _, a := range s.Producers[0].pending {
				if cap(a) > 0 {
					taken[unsafe.SliceData(a)] = true
				}
			}
		}
		p := s.Producers[0]
		given = map[*Record]bool{}
		for _, a := range p.pending {
			if cap(a) > 0 {
				given[unsafe.SliceData(a)] = true
			}
		}
		for _, req := range append(p.free, p.inflight...) {
			if cap(req.buf) > 0 {
				given[unsafe.SliceData(req.buf)] = true
			}
		}
		s.Release()
		for _, a := range p.pending {
			if a != nil {
				t.Fatal("a released producer keeps a pending array")
			}
		}
		return h.Entries(), given, taken
	}
	DrainStocks()
	defer DrainStocks()
	want, _, _ := run(1)
	DrainStocks()
	_, given, _ := run(2)
	if len(given) == 0 {
		t.Fatal("the producer had no arrays to release: the test judges nothing")
	}
	got, _, taken := run(1)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("a run on a released producer's arrays recorded another history (%d entries, want %d)", len(got), len(want))
	}
	n := 0
	for a := range taken {
		if given[a] {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("the producer took none of the %d arrays released before it", len(given))
	}
}
