//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package history

import "unsafe"

// mapMem returns nil: chunks live in the heap on this system.
func mapMem(int) unsafe.Pointer { return nil }

func unmapMem(unsafe.Pointer, int) {}
