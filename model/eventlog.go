package model

// eventLogBits sets the size of the global log's chunks: 1024 entries.
const eventLogBits = 10

// eventLog is the event store's global log, by position - 1, kept in
// fixed-size chunks: it grows a chunk at a time and never copies what it
// holds.
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
	if l.n>>eventLogBits == len(l.chunks) {
		l.chunks = append(l.chunks, make([]logEntry, 1<<eventLogBits))
	}
	*l.at(l.n) = e
	l.n++
}
