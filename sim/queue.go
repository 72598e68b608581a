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

// queue is the events in (At, Seq) order, in two binary min-heaps split
// at a horizon: near holds the events before it, far the ones at or after
// it. A busy world keeps many timers set far ahead (poll and session
// timeouts, heartbeats) that would deepen one heap for every event
// scheduled soon; split, those go on near, a heap of the next events
// alone. When near runs dry, the horizon moves past the earliest far
// event by span and the far events before it move to near; span adapts
// so that a move brings a handful of events. The order is the one of a
// single heap: every near event comes before every far one. Events are
// stored by value: no boxing, no allocation per event once grown.
type queue struct {
	near, far eventHeap
	horizon   Time
	span      Time
}

// Bounds of the queue's span.
const (
	spanMin   Time = 1 << 10
	spanMax   Time = 1 << 50
	spanStart Time = 1 << 20
)

func (q *queue) len() int { return len(q.near) + len(q.far) }

// push queues e: an event before the horizon, the usual one, on near.
func (q *queue) push(e Event) {
	if e.At < q.horizon {
		q.near.push(e)
		return
	}
	q.far.push(e)
}

// pop takes the next event off the queue, which must not be empty. The
// world's loop spells it out, ready then near.popInto, so that it
// inlines and the event is not copied on the way.
func (q *queue) pop() Event {
	q.ready()
	return q.near.pop()
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
	return &q.near[0]
}

// advance moves the horizon span past the earliest far event and the far
// events before it to near, which is empty; far must not be. A move of
// few events doubles span, one of many halves it. Near's events come
// before far's: those moved are before the horizon and far keeps the
// ones at or after it; an event pushed later goes near only if it is
// before the horizon, far only after every event queued.
func (q *queue) advance() {
	if q.span == 0 {
		q.span = spanStart
	}
	first := q.far[0].At
	q.horizon = first + q.span
	if q.horizon < first {
		// past the end of time: the horizon stays at the earliest
		// event, which moves alone (the first of its time by Seq, so
		// still before every event left in far or pushed later)
		q.horizon = first
	}
	moved := 0
	for len(q.far) > 0 && q.far[0].At < q.horizon {
		q.near.push(q.far.pop())
		moved++
	}
	if moved == 0 {
		q.near.push(q.far.pop())
		moved++
	}
	switch {
	case moved < 4 && q.span < spanMax:
		q.span *= 2
	case moved > 64 && q.span > spanMin:
		q.span /= 2
	}
}

// eventHeap is a binary min-heap of events ordered by (At, Seq).
type eventHeap []Event

func less(a, b *Event) bool {
	if a.At != b.At {
		return a.At < b.At
	}
	return a.Seq < b.Seq
}

func (h *eventHeap) push(e Event) {
	*h = append(*h, e)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(&e, &a[p]) {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = e
}

func (h *eventHeap) pop() Event {
	var e Event
	h.popInto(&e)
	return e
}

// popInto moves the least event into *top.
func (h *eventHeap) popInto(top *Event) {
	a := *h
	*top = a[0]
	n := len(a) - 1
	last := a[n]
	a[n] = Event{}
	a = a[:n]
	*h = a
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(&a[r], &a[l]) {
			m = r
		}
		if !less(&a[m], &last) {
			break
		}
		a[i] = a[m]
		i = m
	}
	if n > 0 {
		a[i] = last
	}
}
