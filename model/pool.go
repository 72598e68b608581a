package model

// pool is a free list of one type of message. The node that is done with
// a message it received hands it back, and the next sender takes it
// instead of allocating one: the steady state of the event-sourced path
// allocates no messages. Only a message's last holder hands it back, and
// after it no longer reads it; a message that is never handed back (an
// answer that was lost, a request to a node that went away) is left to
// the garbage collector. The world runs one event at a time, so a pool
// needs no lock.
type pool[T any] struct{ free []*T }

// get returns a zeroed message.
func (p *pool[T]) get() *T {
	if n := len(p.free); n > 0 {
		m := p.free[n-1]
		p.free = p.free[:n-1]
		return m
	}
	return new(T)
}

// put zeroes m and keeps it for the next get.
func (p *pool[T]) put(m *T) {
	var zero T
	*m = zero
	p.free = append(p.free, m)
}

// msgPools are the message pools of one event-sourced system: the reads
// and answers between sessions, the event store and the read models, and
// the store's transactions.
type msgPools struct {
	reads         pool[storeReadMsg]
	readReplies   pool[storeReadReply]
	queries       pool[queryMsg]
	queryReplies  pool[queryReply]
	appendReplies pool[appendReply]
	pending       pool[pendingAppend]
}
