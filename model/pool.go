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

// freeListsOff turns every free list of the event-sourced path off: get
// allocates, put and release drop the message as it is. A test sets it
// to compare runs with and without reuse, which must record the same
// history; nothing else does.
var freeListsOff bool

// poisonFetches makes a member fill a fetch it may reuse with garbage as
// soon as no holder may read it, by the rule of [fetchMsg]: the request
// when its answer comes back, the answer once handled. A test sets it:
// a run that read a fetch or an answer after that would record another
// history.
var poisonFetches bool

// poisonRecords is what a poisoned answer holds.
var poisonRecords = []Record{{ID: "poison", Key: "poison", Type: "poison", Amount: -1 << 40, Offset: -1 << 40, Partition: 1 << 20}}

// poisonReply fills the answer r with garbage, keeping which fetch it is.
func poisonReply(r *recordsMsg) {
	*r = recordsMsg{epoch: -1 << 40, partition: 1 << 20, from: -1 << 40, next: -1 << 40, records: poisonRecords, attempts: []int{-1}, fetch: r.fetch}
}

// poisonRequest fills the request f with garbage.
func poisonRequest(f *fetchMsg) {
	f.fetchReq = fetchReq{epoch: -1 << 40, max: -1, partitions: []int{1 << 20}, positions: []int64{-1 << 40}, start: -1, buf: poisonRecords}
}

// get returns a zeroed message.
func (p *pool[T]) get() *T {
	if freeListsOff {
		return new(T)
	}
	if n := len(p.free); n > 0 {
		m := p.free[n-1]
		p.free = p.free[:n-1]
		return m
	}
	return new(T)
}

// put empties m and keeps it for the next get: a message with a reset
// method empties itself, keeping the memory of its slices; any other is
// zeroed.
func (p *pool[T]) put(m *T) {
	if freeListsOff {
		return
	}
	if r, ok := any(m).(interface{ reset() }); ok {
		r.reset()
	} else {
		var zero T
		*m = zero
	}
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
	appends       appendPool
	readAlls      pool[readAllMsg]
	readAllReps   pool[readAllReply]
}

// appendPool is the free list of append messages. An append has several
// holders: the session, while the command is in hand, and the store, once
// per time it was sent, until it answers that request; refs counts them,
// and the last to let go hands it back. A message is kept with the memory
// of its events.
type appendPool struct{ free []*appendMsg }

// get returns an empty append held by its caller.
func (p *appendPool) get() *appendMsg {
	if n := len(p.free); n > 0 && !freeListsOff {
		m := p.free[n-1]
		p.free = p.free[:n-1]
		m.refs = 1
		return m
	}
	return &appendMsg{refs: 1}
}

// hold counts one more holder of m.
func (p *appendPool) hold(m *appendMsg) { m.refs++ }

// release lets go of m; the last holder hands it back.
func (p *appendPool) release(m *appendMsg) {
	if m.refs--; m.refs != 0 || freeListsOff {
		return
	}
	evs := m.events
	clear(evs)
	*m = appendMsg{events: evs[:0]}
	p.free = append(p.free, m)
}
