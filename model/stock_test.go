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
	w := sim.New(seed)
	h := &history.History{}
	s, err := Build(w, cfg, h)
	if err != nil {
		t.Fatal(err)
	}
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
