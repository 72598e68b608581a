//go:build !linux

package history

// mapRegion maps no memory on this system: a history's chunks are all Go
// memory.
func mapRegion(int) ([]byte, bool) { return nil, false }

func unmapRegion([]byte) {}

func releaseRegion([]byte) {}
