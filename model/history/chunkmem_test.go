package history

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestMappedChunks: a history grown past its first chunks keeps its
// records (and side rows) in mapped memory where the system gives it, reads
// every record back as added, spills and reuses the memory of what it
// spilled, and after Close holds no mapped memory and records anew.
func TestMappedChunks(t *testing.T) {
	pool := []Entry{
		{Kind: Publish, Node: "p", Topic: "t", Event: "p-1", Key: "k1", Type: "Deposited", Amount: 5},
		{Kind: Effect, Node: "m", Service: "svc", Group: "g", Topic: "t", Event: "p-2", Key: "k2", Value: 7, Attempt: 2},
		{Kind: Crash, Node: "b", CrashPoint: "after-append", Reason: "power"},
	}
	const n = (hugeFrom + 3) * chunkLen
	h := &History{}
	for i := range n {
		h.Add(variant(pool, i))
	}
	if runtime.GOOS == "linux" && (h.mem == nil || len(h.mem.regions.rs) == 0) {
		t.Fatalf("a history of %d chunks maps no memory", len(h.recs)+len(h.sides))
	}
	if h.mem != nil {
		var want int64
		for _, c := range h.recs {
			want += mappedSize(h, asBytes(c))
		}
		for _, c := range h.sides {
			want += mappedSize(h, asBytes(c))
		}
		// Other tests' histories may be mapped, or unmapped by their
		// cleanups meanwhile: MappedBytes holds at least this one's.
		if got := h.mem.regions.inUse; got != want || want == 0 || MappedBytes() < want {
			t.Errorf("the history counts %d bytes of mapped chunks, they take %d; MappedBytes %d", got, want, MappedBytes())
		}
	}
	for i := 0; i < n; i += 97 {
		if got, want := h.At(i), variant(pool, i); got != want {
			t.Fatalf("At(%d) = %+v, want %+v", i, got, want)
		}
	}
	// Spilling drops the oldest chunks; those mapped are kept to reuse.
	mapped := runtime.GOOS == "linux"
	var free int
	if mapped {
		free = len(h.mem.free)
	}
	h.SpillOver(1, t.TempDir())
	for i := n; i < n+3*chunkLen; i++ {
		h.Add(variant(pool, i))
	}
	if err := h.Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n+3*chunkLen; i += 89 {
		if got, want := h.At(i), variant(pool, i); got != want {
			t.Fatalf("after spilling, At(%d) = %+v, want %+v", i, got, want)
		}
	}
	if mapped && (len(h.mem.regions.rs) != 1 || len(h.mem.free) != free || len(h.mem.spare) == 0) {
		t.Errorf("spilling: %d regions, %d bytes taken from the region, %d spare chunks; want the spilled chunks reused",
			len(h.mem.regions.rs), free-len(h.mem.free), len(h.mem.spare))
	}
	var regions *regionList
	if h.mem != nil {
		regions = h.mem.regions
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if h.mem != nil || h.Len() != 0 {
		t.Fatalf("after Close: mem %v, %d records", h.mem, h.Len())
	}
	if regions != nil && (regions.inUse != 0 || len(regions.rs) != 0) {
		t.Errorf("after Close, the history still counts %d bytes in %d mapped regions", regions.inUse, len(regions.rs))
	}
	for i := range 2 * chunkLen {
		h.Add(variant(pool, i))
	}
	if got, want := h.At(2*chunkLen-1), variant(pool, 2*chunkLen-1); got != want {
		t.Fatalf("after Close and Add: At = %+v, want %+v", got, want)
	}
}

// mappedSize returns len(b) if b lies in one of h's mapped regions, else 0.
func mappedSize(h *History, b []byte) int64 {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	for _, r := range h.mem.regions.rs {
		base := uintptr(unsafe.Pointer(unsafe.SliceData(r)))
		if p >= base && p < base+uintptr(len(r)) {
			return int64(len(b))
		}
	}
	return 0
}
