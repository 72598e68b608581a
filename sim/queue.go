package sim

import "math/bits"

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

// queue is the events in (At, Seq) order, a radix heap: the world's
// time never goes back, so that every queued event is at or after last,
// a time no later than the earliest queued. The events stay put in a
// slab, slots reused through a free list; the buckets hold their keys,
// (At, slot). Bucket 0 holds the keys at last, from head; bucket
// j > 0 the keys whose time first differs from last at bit j-1. A push
// appends its key to its bucket. When bucket 0 runs dry, last moves to
// the earliest time of the lowest bucket that is not empty, whose keys
// all fall to lower buckets then: a key moves down a few times in its
// life, and is never sifted.
//
// Within a bucket, the keys of one time are in Seq order: a push has
// the greatest Seq queued, and a bucket spread over empty ones keeps its
// order. So bucket 0, one time, is in Seq order, and the queue's order
// is the one of a heap ordered by (At, Seq).
//
// A push into an empty queue moves last to its time, which saves a
// refill when the queue holds one event at a time. A key earlier than
// last, pushed after that or after the world stopped short of the next
// event (which it looked at), makes the queue rebuild its buckets from
// the time of the latest event taken off, a bound of every later push
// in a world, so that it does not rebuild again until last moves ahead
// of the world's time once more. It keeps the order of one time's keys:
// they all come from one bucket.
type queue struct {
	b     [64][]key // times are not negative: they differ below bit 63
	head  int       // the next key of b[0]
	mask  uint64    // bit j set: b[j] not empty, for j > 0
	last  Time
	taken Time // the time of the latest event taken off
	n     int
	ev    []Event  // the slab: queued events by slot
	free  []uint32 // the slots of ev not in use
	all   []key    // room for rebase

	rebuilds int // how many times rebase ran
}

// key is one queued event's time and its slot in the slab. Its Seq
// needs no room: the buckets keep the keys of one time in push order.
type key struct {
	at  Time
	idx uint32
}

func (q *queue) len() int { return q.n }

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

// push queues e, whose Seq must be the greatest queued.
func (q *queue) push(e Event) {
	i := q.slot()
	q.ev[i] = e
	q.pushKey(key{e.At, i})
}

// pushKey queues the key of an event already in its slot; its Seq is
// the greatest queued.
func (q *queue) pushKey(k key) {
	q.n++
	if q.n == 1 { // alone: last moves to it, which is next
		q.b[0], q.head, q.last = append(q.b[0][:0], k), 0, k.at
		return
	}
	if k.at < q.last {
		q.rebase(min(k.at, q.taken))
	}
	if k.at == q.last {
		q.b[0] = append(q.b[0], k) // the greatest Seq: still in order
		return
	}
	j := bits.Len64(uint64(k.at ^ q.last))
	q.b[j] = append(q.b[j], k)
	q.mask |= 1 << j
}

// rebase moves last back to t, before every queued key, and puts every
// key in its bucket from there.
func (q *queue) rebase(t Time) {
	q.rebuilds++
	all := append(q.all[:0], q.b[0][q.head:]...)
	q.b[0], q.head = q.b[0][:0], 0
	for j := 1; j < len(q.b); j++ {
		all = append(all, q.b[j]...)
		q.b[j] = q.b[j][:0]
	}
	q.mask = 0
	q.last = t
	for _, k := range all {
		j := bits.Len64(uint64(k.at ^ t))
		q.b[j] = append(q.b[j], k)
		q.mask |= 1 << j
	}
	q.all = all[:0]
}

// pop takes the next event off the queue, which must not be empty.
func (q *queue) pop() Event {
	var e Event
	q.ready()
	q.take(&e)
	return e
}

// take moves the next event into *top; the queue must be ready and not
// empty.
func (q *queue) take(top *Event) {
	i := q.b[0][q.head].idx
	q.head++
	q.n--
	q.taken = q.last
	p := &q.ev[i]
	*top = *p
	p.Msg = nil
	q.free = append(q.free, i)
}

// drop takes the next event off the queue without reading it; the queue
// must be ready and not empty.
func (q *queue) drop() {
	i := q.b[0][q.head].idx
	q.head++
	q.n--
	q.taken = q.last
	q.ev[i].Msg = nil
	q.free = append(q.free, i)
}

// ready makes sure that bucket 0 holds the next event; the queue must
// not be empty.
func (q *queue) ready() {
	if q.head == len(q.b[0]) {
		q.refill()
	}
}

// refill moves last to the earliest time of the lowest bucket that is
// not empty and spreads that bucket's keys over the buckets below it,
// which are empty, in their order.
func (q *queue) refill() {
	q.b[0], q.head = q.b[0][:0], 0
	j := bits.TrailingZeros64(q.mask)
	src := q.b[j]
	if len(src) == 1 { // the usual refill: one event, alone in its time
		q.last = src[0].at
		q.b[0] = append(q.b[0], src[0])
		q.b[j] = src[:0]
		q.mask &^= 1 << j
		return
	}
	m := src[0].at
	for _, k := range src[1:] {
		if k.at < m {
			m = k.at
		}
	}
	q.last = m
	for _, k := range src {
		i := bits.Len64(uint64(k.at ^ m))
		q.b[i] = append(q.b[i], k)
		q.mask |= 1 << i
	}
	q.b[j] = src[:0]
	q.mask &^= 1<<j | 1
}

// peek returns the next event; the queue must not be empty.
func (q *queue) peek() *Event {
	if q.head == len(q.b[0]) {
		q.refill()
	}
	return &q.ev[q.b[0][q.head].idx]
}
