package history

import (
	"syscall"
	"unsafe"
)

// mapRegion maps n bytes of zeroed memory and asks the system for huge
// pages there (transparent huge pages in madvise mode); ok is false when
// it cannot map them.
func mapRegion(n int) (b []byte, ok bool) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // only a hint
	return b, true
}

// unmapRegion unmaps a region of mapRegion.
func unmapRegion(b []byte) { _ = syscall.Munmap(b) }

// releaseRegion gives the memory of part of a region back to the system;
// it reads as zero if touched again.
func releaseRegion(b []byte) {
	const page = 4096
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + page - 1) &^ (page - 1)
	hi := (p + uintptr(len(b))) &^ (page - 1)
	if hi > lo {
		_ = syscall.Madvise(b[lo-p:hi-p], syscall.MADV_DONTNEED)
	}
}
