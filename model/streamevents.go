package model

// streamChunkBits sets the size of a long stream's chunks: 1024 events.
const streamChunkBits = 10

const streamChunkLen = 1 << streamChunkBits

// streamEvents is a stream's committed events, by version - 1, kept in
// chunks of streamChunkLen events: every chunk but the last is full, and
// the last grows by doubling up to a full chunk. A long stream grows a
// chunk at a time and never copies what it holds; a short one takes
// little room. Committed events never change, so the first n events are
// the same whenever they are read: a read of a stream hands out a
// [streamView] of them instead of a copy.
type streamEvents struct {
	chunks [][]StoredEvent
	n      int
}

// len returns the number of events.
func (s *streamEvents) len() int { return s.n }

// at returns event i (0 ≤ i < len).
func (s *streamEvents) at(i int) *StoredEvent {
	return &s.chunks[i>>streamChunkBits][i&(streamChunkLen-1)]
}

// add appends e.
func (s *streamEvents) add(e StoredEvent) {
	c := s.n >> streamChunkBits
	if c == len(s.chunks) {
		size := 64
		if c > 0 {
			size = streamChunkLen
		}
		s.chunks = append(s.chunks, eventStock.take(size, 2*size))
	}
	last := s.chunks[c]
	if len(last) == cap(last) {
		// doubled, in a new array: views of the old one may still be read
		n := min(2*cap(last), streamChunkLen)
		last = append(eventStock.take(n, 2*n), last...)
	}
	s.chunks[c] = append(last, e)
	s.n++
}

// slice returns events lo to hi-1 (0 ≤ lo ≤ hi ≤ len): a slice of the
// chunk that holds them, capped so that an append copies it, or a copy
// when they span two chunks.
func (s *streamEvents) slice(lo, hi int) []StoredEvent {
	if lo == hi {
		return nil
	}
	if c := lo >> streamChunkBits; (hi-1)>>streamChunkBits == c {
		a, b := lo&(streamChunkLen-1), (hi-1)&(streamChunkLen-1)+1
		return s.chunks[c][a:b:b]
	}
	out := make([]StoredEvent, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, *s.at(i))
	}
	return out
}

// fold applies events lo to hi-1 to state, in order.
func (s *streamEvents) fold(a Aggregate, state any, lo, hi int) any {
	for lo < hi {
		c := s.chunks[lo>>streamChunkBits]
		a0 := lo & (streamChunkLen - 1)
		b := min(len(c), a0+hi-lo)
		state = fold(a, state, c[a0:b])
		lo += b - a0
	}
	return state
}

// streamView is the first n events of a stream, as a read found them.
type streamView struct {
	evs *streamEvents
	n   int
}

// len returns the number of events in the view.
func (v streamView) len() int { return v.n }

// at returns event i of the view (0 ≤ i < len).
func (v streamView) at(i int) *StoredEvent { return v.evs.at(i) }

// fold applies the view's events from lo on to state.
func (v streamView) fold(a Aggregate, state any, lo int) any { return v.evs.fold(a, state, lo, v.n) }
