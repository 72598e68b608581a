package sim

// Event is one entry of the queue: a timer or a message addressed to a
// node. Kind, A, B and Msg belong to the receiving node; the kernel only
// orders, routes and checksums them. Msg is not part of the checksum.
type Event struct {
	At   Time
	Seq  uint64
	Node NodeID
	Kind uint32
	A, B int64
	Msg  any

	inc uint32 // the target's incarnation when scheduled; stale ones are dropped
}

// queue is the events in (At, Seq) order. The events stay put in a slab,
// slots reused through a free list; two binary min-heaps order their
// keys, (At, Seq, slot), so that a sift moves 24 bytes, not an event.
// The heaps are split at a horizon: near holds the keys before it, far
// the ones at or after it. A busy world keeps many timers set far ahead
// (poll and session timeouts, heartbeats) that would deepen one heap for
// every event scheduled soon; split, those go on near, a heap of the
// next events alone. When near runs dry, the horizon moves past the
// earliest far event by span and the far keys before it move to near;
// span adapts so that a move brings a handful of events. The order is
// the one of a single heap: every near event comes before every far
// one. No allocation per event once grown.
type queue struct {
	near, far keyHeap
	horizon   Time
	span      Time
	ev        []Event  // the slab: queued events by slot
	free      []uint32 // the slots of ev not in use
}

// key orders one queued event, in slot idx of the slab.
type key struct {
	at  Time
	seq uint64
	idx uint32
}

// Bounds of the queue's span.
const (
	spanMin   Time = 1 << 10
	spanMax   Time = 1 << 50
	spanStart Time = 1 << 20
)

func (q *queue) len() int { return len(q.near) + len(q.far) }

// slot returns a free slot of the slab for an event to queue.
func (q *queue) slot() uint32 {
	if n := len(q.free) - 1; n >= 0 {
		i := q.free[n]
		q.free = q.free[:n]
		return i
	}
	q.ev = append(q.ev, Event{})
	return uint32(len(q.ev) - 1)
}

// push queues e: an event before the horizon, the usual one, on near.
func (q *queue) push(e Event) {
	i := q.slot()
	q.ev[i] = e
	q.pushKey(key{e.At, e.Seq, i})
}

// pushKey queues the key of an event already in its slot.
func (q *queue) pushKey(k key) {
	if k.at < q.horizon {
		q.near.push(k)
		return
	}
	q.far.push(k)
}

// pop takes the next event off the queue, which must not be empty.
func (q *queue) pop() Event {
	var e Event
	q.popInto(&e)
	return e
}

// popInto moves the next event into *top; the queue must not be empty.
func (q *queue) popInto(top *Event) {
	q.ready()
	i := q.near.pop()
	p := &q.ev[i]
	*top = *p
	p.Msg = nil
	q.free = append(q.free, i)
}

// drop takes the next event off the queue, which must not be empty,
// without reading it.
func (q *queue) drop() {
	q.ready()
	i := q.near.pop()
	q.ev[i].Msg = nil
	q.free = append(q.free, i)
}

// ready makes sure that near holds the next event; the queue must not be
// empty.
func (q *queue) ready() {
	if len(q.near) == 0 {
		q.advance()
	}
}

// peek returns the next event; the queue must not be empty.
func (q *queue) peek() *Event {
	q.ready()
	return &q.ev[q.near[0].idx]
}

// advance moves the horizon span past the earliest far event and the far
// keys before it to near, which is empty; far must not be. A move of
// few events doubles span, one of many halves it. Near's events come
// before far's: those moved are before the horizon and far keeps the
// ones at or after it; an event pushed later goes near only if it is
// before the horizon, far only after every event queued.
func (q *queue) advance() {
	if q.span == 0 {
		q.span = spanStart
	}
	first := q.far[0].at
	q.horizon = first + q.span
	if q.horizon < first {
		// past the end of time: the horizon stays at the earliest
		// event, which moves alone (the first of its time by Seq, so
		// still before every event left in far or pushed later)
		q.horizon = first
	}
	moved := 0
	for len(q.far) > 0 && q.far[0].at < q.horizon {
		q.near.push(q.far.popKey())
		moved++
	}
	if moved == 0 {
		q.near.push(q.far.popKey())
		moved++
	}
	switch {
	case moved < 4 && q.span < spanMax:
		q.span *= 2
	case moved > 64 && q.span > spanMin:
		q.span /= 2
	}
}

// keyHeap is a binary min-heap of keys ordered by (At, Seq).
type keyHeap []key

func less(a, b *key) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (h *keyHeap) push(k key) {
	*h = append(*h, k)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(&k, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = k
}

// pop removes the least key and returns its slot.
func (h *keyHeap) pop() uint32 {
	return h.popKey().idx
}

// popKey removes the least key and returns it. The hole it leaves
// goes down to a leaf along the lesser children, one comparison a
// level, and the last key rises into it from there: it came from the
// bottom and most often goes back near it.
func (h *keyHeap) popKey() key {
	a := *h
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a = a[:n]
	*h = a
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && less(&a[r], &a[l]) {
			l = r
		}
		a[i] = a[l]
		i = l
	}
	for i > 0 {
		p := (i - 1) / 2
		if !less(&last, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	if n > 0 {
		a[i] = last
	}
	return top
}
