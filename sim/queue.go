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

// queue is a binary min-heap of events ordered by (At, Seq). It stores
// events by value: no boxing, no allocation per event once grown.
type queue struct{ a []Event }

func less(a, b *Event) bool {
	if a.At != b.At {
		return a.At < b.At
	}
	return a.Seq < b.Seq
}

func (q *queue) len() int { return len(q.a) }

func (q *queue) push(e Event) {
	q.a = append(q.a, e)
	a := q.a
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

func (q *queue) pop() Event {
	a := q.a
	top := a[0]
	n := len(a) - 1
	last := a[n]
	a[n] = Event{}
	a = a[:n]
	q.a = a
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
	return top
}

func (q *queue) peek() *Event { return &q.a[0] }
