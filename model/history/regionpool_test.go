package history

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// drainPool empties the region pool (other tests' histories may have
// filled it), unmapping its regions.
func drainPool() {
	p := &regionPool
	p.mu.Lock()
	rs := p.rs
	p.rs = nil
	p.mu.Unlock()
	for _, r := range rs {
		unmapRegion(r)
	}
}

// regionBases returns the addresses of h's mapped regions.
func regionBases(h *History) map[uintptr]bool {
	bases := map[uintptr]bool{}
	if h.mem != nil {
		for _, r := range h.mem.regions.rs {
			bases[uintptr(unsafe.Pointer(unsafe.SliceData(r)))] = true
		}
	}
	return bases
}

// shiftedHistory returns a history of chunks mapped chunks whose record
// i is variant(mappedPool, i+shift).
func shiftedHistory(chunks, shift int) *History {
	h := &History{}
	for i := range (hugeFrom+chunks)*chunkLen - 5 {
		h.Add(variant(mappedPool, i+shift))
	}
	return h
}

// checkShifted reads every record of a shiftedHistory back, at once and
// through Compact and its side rows, and returns the first that reads
// wrong.
func checkShifted(h *History, shift int) error {
	svc, _ := h.Lookup("svc")
	for i := range h.Len() {
		if got, want := h.At(i), variant(mappedPool, i+shift); got != want {
			return fmt.Errorf("At(%d) = %+v, want %+v", i, got, want)
		}
	}
	n := 0
	for i, r := range h.Compact(Publish, Deliver, Effect) {
		if r.At != int64(i+shift) || KindCode(r.kind) == Effect.Code() && h.Service(r) != svc {
			return fmt.Errorf("Compact: record %d reads At %d, service %d", i, r.At, h.Service(r))
		}
		n++
	}
	if n != h.Len() {
		return fmt.Errorf("Compact yields %d records of %d", n, h.Len())
	}
	return nil
}

// TestRegionPoolReuse: the regions of a history closed, or collected,
// go to the pool poisoned, and the next history that maps memory takes
// them; it reads back its own records only, every one as added, however
// the history before filled the region. The pool keeps at most
// regionPoolMax regions and unmaps the others.
func TestRegionPoolReuse(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("no mapped memory on " + runtime.GOOS)
	}
	poisonPooled.Store(0xa5)
	defer poisonPooled.Store(0)
	drainPool()

	// closed: its region goes to the pool, and to the next history
	a := shiftedHistory(3, 0)
	was := regionBases(a)
	if len(was) == 0 {
		t.Fatal("a history of mapped chunks maps no region")
	}
	a.Close()
	if got := pooledRegions(); got != len(was) {
		t.Fatalf("after Close, the pool holds %d regions, want the history's %d", got, len(was))
	}
	b := shiftedHistory(1, 7)
	for r := range regionBases(b) {
		if !was[r] {
			t.Errorf("the next history maps region %#x, not the closed history's", r)
		}
	}
	if err := checkShifted(b, 7); err != nil {
		t.Fatalf("a history in a pooled region: %v", err)
	}

	// collected: its cleanup gives the region to the pool
	drainPool()
	c := shiftedHistory(2, 3)
	was = regionBases(c)
	c = nil
	for deadline := time.Now().Add(5 * time.Second); pooledRegions() == 0 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	d := shiftedHistory(2, 11)
	if got := regionBases(d); len(got) != 1 || !was[firstKey(got)] {
		t.Errorf("the history after one collected maps %v, want its region %v", got, was)
	}
	if err := checkShifted(d, 11); err != nil {
		t.Fatalf("a history in a region of one collected: %v", err)
	}
	if err := checkShifted(b, 7); err != nil {
		t.Fatalf("a history kept while others come and go: %v", err)
	}

	// bounded
	drainPool()
	var hs []*History
	for i := range regionPoolMax + 2 {
		hs = append(hs, shiftedHistory(1, i))
	}
	for _, h := range hs {
		h.Close()
	}
	if got := pooledRegions(); got != regionPoolMax {
		t.Errorf("after %d histories closed, the pool holds %d regions, want %d", len(hs), got, regionPoolMax)
	}
	b.Close()
	d.Close()
	drainPool()
}

func firstKey(m map[uintptr]bool) uintptr {
	for k := range m {
		return k
	}
	return 0
}
