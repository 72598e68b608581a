package model

import (
	"sync"
	"testing"
	"unsafe"
)

// TestStockCapAndReserve: a stock keeps arrays up to stockMaxBytes and
// drops the rest, hands a stocked array only to an empty slice that it
// has room for, and takes it out of the stock when it does.
func TestStockCapAndReserve(t *testing.T) {
	type mib [1 << 20]byte
	buf := make([]byte, 1<<20)
	var st stock[mib]
	for range stockMaxBytes>>20 + 10 {
		a := unsafe.Slice((*mib)(unsafe.Pointer(&buf[0])), 1) // 1 MiB each, all one buffer: only counted
		st.give(&a)
		if a != nil {
			t.Fatal("give left the slice its array")
		}
	}
	if st.bytes != stockMaxBytes || len(st.arrays) != stockMaxBytes>>20 {
		t.Fatalf("stock holds %d arrays of %d bytes, want at most %d bytes", len(st.arrays), st.bytes, stockMaxBytes)
	}
	if got := st.reserve(nil, 2); cap(got) != 2 || len(st.arrays) != stockMaxBytes>>20 {
		t.Fatalf("reserve of 2 took a stocked array of 1 (cap %d, %d stocked)", cap(got), len(st.arrays))
	}
	if got := st.reserve(make([]mib, 0, 0), 1); cap(got) != 1 || len(st.arrays) != stockMaxBytes>>20-1 || st.bytes != stockMaxBytes-1<<20 {
		t.Fatalf("reserve of 1: cap %d, %d stocked of %d bytes", cap(got), len(st.arrays), st.bytes)
	}
}

// TestStockShared: workers giving and reserving arrays of one stock at
// once never hold one array at the same time (run it with -race).
func TestStockShared(t *testing.T) {
	var st stock[uint16]
	var mu sync.Mutex
	held := map[*uint16]bool{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				a := st.reserve(nil, 16+(w+i)%8)
				a = append(a, uint16(w))
				p := unsafe.SliceData(a)
				mu.Lock()
				if held[p] {
					t.Errorf("worker %d got an array another holds", w)
				}
				held[p] = true
				mu.Unlock()
				a[0] = uint16(w)
				mu.Lock()
				delete(held, p)
				mu.Unlock()
				st.give(&a)
			}
		})
	}
	wg.Wait()
	if st.bytes != arrayBytesAll(st.arrays) {
		t.Fatalf("the stock counts %d bytes, its arrays hold %d", st.bytes, arrayBytesAll(st.arrays))
	}
}

func arrayBytesAll[T any](as [][]T) int {
	n := 0
	for _, a := range as {
		n += arrayBytes(a)
	}
	return n
}
