package history

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// mappedPool is a few entries, one with a side row, that make a history
// of several chunks quickly.
var mappedPool = []Entry{
	{Kind: Publish, Node: "p", Topic: "t", Event: "p-1", Key: "k1", Type: "Deposited", Amount: 5},
	{Kind: Effect, Node: "m", Service: "svc", Group: "g", Topic: "t", Event: "p-2", Key: "k2", Value: 7, Attempt: 2},
	{Kind: Deliver, Node: "m", Group: "g", Topic: "t", Event: "p-3", Key: "k3", Attempt: 1},
}

// mappedHistory returns a history of chunks records past its first
// chunks of Go memory.
func mappedHistory(chunks int) *History {
	h := &History{}
	for i := range (hugeFrom + chunks) * chunkLen {
		h.Add(variant(mappedPool, i))
	}
	return h
}

// checkHistory reads h back every way that goes through a pointer into
// its chunks (At, Record, Compact with Service, Count) and returns the
// first record that reads wrong.
func checkHistory(h *History) error {
	n := h.Len()
	for i := 0; i < n; i += 211 {
		if got, want := h.At(i), variant(mappedPool, i); got != want {
			return fmt.Errorf("At(%d) = %+v, want %+v", i, got, want)
		}
		if r := h.Record(i); r.At != int64(i) {
			return fmt.Errorf("Record(%d).At = %d", i, r.At)
		}
	}
	svc, _ := h.Lookup("svc")
	effects := 0
	for i, r := range h.Compact(Effect) {
		if r.At != int64(i) || h.Service(r) != svc {
			return fmt.Errorf("Compact: record %d reads At %d, service %d", i, r.At, h.Service(r))
		}
		effects++
	}
	if c := h.Count(Effect); c != effects || c != (n+1)/3 {
		return fmt.Errorf("Count(Effect) = %d, Compact yields %d, want %d", c, effects, (n+1)/3)
	}
	return nil
}

// noFault runs f with faults on memory outside the Go heap turned into
// panics, and returns what f panicked with (nil: it returned).
func noFault(f func()) (v any) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { v = recover() }()
	f()
	return nil
}

// TestMappedChunksUnderGC: goroutines make histories of mapped chunks,
// read them, drop them and collect garbage, while each reads a history
// it keeps across those collections: a history's mapped memory is given
// back (pooled for the next history, or unmapped) by its cleanup once
// the history is unreachable, never while it is read, and every mapped
// byte is given back once all are dropped.
func TestMappedChunksUnderGC(t *testing.T) {
	// Regions given back are poisoned: a kept history whose region went
	// to the pool, and to another history, would read wrong.
	poisonPooled.Store(0x5a)
	defer poisonPooled.Store(0)
	before := MappedBytes()
	const workers, rounds = 3, 6
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			if v := noFault(func() {
				kept := mappedHistory(2)
				for r := range rounds {
					dropped := mappedHistory(1 + (w+r)%3)
					if err := checkHistory(dropped); err != nil {
						t.Errorf("worker %d round %d, a history dropped next: %v", w, r, err)
					}
					dropped = nil
					runtime.GC()
					if err := checkHistory(kept); err != nil {
						t.Errorf("worker %d round %d, the history kept: %v", w, r, err)
					}
				}
			}); v != nil {
				t.Errorf("worker %d: %v", w, v)
			}
		})
	}
	wg.Wait()
	// The cleanups run on a goroutine of their own after a collection.
	// Histories other tests dropped may be unmapped meanwhile too: the
	// count may end below where it started, never above.
	deadline := time.Now().Add(5 * time.Second)
	for MappedBytes() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := MappedBytes(); got > before {
		t.Errorf("every history dropped, yet %d mapped bytes are in use (%d before)", got, before)
	}
}

// TestReadAfterClose: a history closed (or reset) reads as empty, and a
// read past its records panics with the history's message; one closed
// inside a Compact loop over its mapped records panics with a message
// naming the misuse at the loop's next step, instead of faulting on the
// memory Close unmapped.
func TestReadAfterClose(t *testing.T) {
	h := mappedHistory(2)
	h.Reset()
	if h.Len() != 0 || h.Count(Effect) != 0 {
		t.Fatalf("after Reset: %d records, %d effects", h.Len(), h.Count(Effect))
	}
	for range h.Compact(Effect) {
		t.Fatal("Compact yields a record after Reset")
	}
	h.Close() // not left to its cleanup, which would change MappedBytes under a later test
	h = mappedHistory(2)
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	for range h.Compact(Effect) {
		t.Fatal("Compact yields a record after Close")
	}
	v := noFault(func() { h.At(0) })
	if s := fmt.Sprint(v); !strings.Contains(s, "history: record index out of range") {
		t.Fatalf("At after Close panics with %q", s)
	}

	h = mappedHistory(2)
	close := hugeFrom*chunkLen + 7 // a record in mapped memory
	v = noFault(func() {
		for i, r := range h.Compact(Publish, Effect, Deliver) {
			if r.At != int64(i) {
				panic(fmt.Sprintf("record %d reads At %d", i, r.At))
			}
			if i == close {
				h.Close() // the body reads r no more
			}
		}
	})
	if s := fmt.Sprint(v); !strings.Contains(s, "history: closed while") {
		t.Fatalf("a Compact loop that closes its history ends with %q, want a panic naming the misuse", s)
	}
	runtime.KeepAlive(h)
}

// TestCloseAtLastStep: a Compact loop that closes its history at the
// history's last record ends as any loop does.
func TestCloseAtLastStep(t *testing.T) {
	h := mappedHistory(1)
	last := h.Len() - 1
	seen := 0
	v := noFault(func() {
		for i := range h.Compact(Publish, Effect, Deliver) {
			seen++
			if i == last {
				h.Close()
			}
		}
	})
	if v != nil || seen != last+1 {
		t.Fatalf("a loop closing its history at the last record: panic %v after %d of %d records", v, seen, last+1)
	}
}
