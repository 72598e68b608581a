package history

// newChunk returns a zeroed chunk of records or side rows. Chunks hold no
// pointers, so the collector never scans them.
func newChunk[T Record | extra]() []T { return make([]T, chunkLen) }
