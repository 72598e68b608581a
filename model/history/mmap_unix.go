//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package history

import (
	"syscall"
	"unsafe"
)

// mapMem maps size bytes of zeroed memory outside the heap; nil when it
// cannot.
func mapMem(size int) unsafe.Pointer {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil || len(b) != size {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// unmapMem unmaps what mapMem mapped at p.
func unmapMem(p unsafe.Pointer, size int) {
	syscall.Munmap(unsafe.Slice((*byte)(p), size))
}
