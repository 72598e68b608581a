package model

// eventLogBits sets the size of the global log's chunks: 1024 entries.
const eventLogBits = 10

// eventLog is the event store's global log, by position - 1, kept in
// chunks of 1<<eventLogBits entries: every chunk but the last is full. A
// long log grows a chunk at a time and never copies what it holds; its
// first chunk grows by doubling, so that a short log takes little room.
type eventLog struct {
	chunks [][]logEntry
	n      int
}

// len returns the number of entries, reserved ones included.
func (l *eventLog) len() int { return l.n }

// at returns entry i (0 ≤ i < len), to read or change in place.
func (l *eventLog) at(i int) *logEntry {
	return &l.chunks[i>>eventLogBits][i&(1<<eventLogBits-1)]
}

// add appends e.
func (l *eventLog) add(e logEntry) {
	c := l.n >> eventLogBits
	if c == len(l.chunks) {
		size := 1 << eventLogBits
		if c == 0 {
			size = 64
		}
		l.chunks = append(l.chunks, make([]logEntry, 0, size))
	}
	last := l.chunks[c]
	if len(last) == cap(last) {
		grown := make([]logEntry, len(last), min(2*cap(last), 1<<eventLogBits))
		copy(grown, last)
		last = grown
	}
	l.chunks[c] = append(last, e)
	l.n++
}
