package history

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// TestChunksFreed: a history's chunks mapped outside the heap are counted
// while it holds them and unmapped when it spills them, when it is
// closed, and when it is no longer used.
func TestChunksFreed(t *testing.T) {
	if mapMem(4096) == nil {
		t.Skip("chunks live in the heap on this system")
	}
	fill := func(h *History, n int) {
		for i := range n {
			h.Add(Entry{At: int64(i), Kind: Command, Node: "c", Command: "c-1", Reason: "r"}) // a record and a side row
		}
	}
	base := MappedBytes()
	h := &History{}
	fill(h, 3*chunkLen)
	want := 3*recChunkBytes + 3*sideChunkBytes + int64(len(h.syms.index))*int64(unsafe.Sizeof(symSlot{}))
	if got := MappedBytes() - base; got != want {
		t.Fatalf("%d bytes mapped for 3 chunks of records and of side rows and the index, want %d", got, want)
	}
	for i := range 3000 { // grows the index, unmapping the old one
		h.syms.intern(fmt.Sprint("s-", i))
	}
	want = 3*recChunkBytes + 3*sideChunkBytes + int64(len(h.syms.index))*int64(unsafe.Sizeof(symSlot{}))
	if got := MappedBytes() - base; got != want {
		t.Fatalf("%d bytes mapped once the index grew, want %d", got, want)
	}
	h.SpillOver(1, t.TempDir())
	fill(h, 1) // spills the full chunks at the boundary
	if h.Err() != nil {
		t.Fatal(h.Err())
	}
	if got := MappedBytes() - base; got >= want {
		t.Errorf("%d bytes still mapped after spilling, want fewer than %d", got, want)
	}
	if e := h.At(5); e.Command != "c-1" || e.Reason != "r" || e.At != 5 {
		t.Errorf("spilled record reads back as %+v", e)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := MappedBytes() - base; got != 0 {
		t.Errorf("%d bytes mapped after Close, want 0", got)
	}
	fill(h, 2) // a closed history is empty and ready to use
	if e := h.At(1); h.Len() != 2 || e.Command != "c-1" || e.At != 1 {
		t.Errorf("after Close, a history of %d records reads back %+v", h.Len(), e)
	}
	h.Close()

	h = &History{}
	fill(h, chunkLen+1)
	h = nil
	deadline := time.Now().Add(5 * time.Second)
	for MappedBytes() != base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := MappedBytes() - base; got != 0 {
		t.Errorf("%d bytes mapped after the history went out of use, want 0", got)
	}
}
