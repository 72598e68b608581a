package checks

import (
	"math"
	"slices"

	"github.com/evsim/evsim/model/history"
)

// LinearizableSteps is the budget of the linearizability search of one
// account, counted in steps: one step is one attempt to linearize one
// operation next. A search that spends it without deciding leaves that
// account unknown. Counting steps, not seconds, makes the verdict depend
// on the history alone.
const LinearizableSteps = 1 << 20

// searchVerdict is the outcome of the search of one account.
type searchVerdict byte

const (
	searchOK searchVerdict = iota
	searchIllegal
	searchOutOfSteps
)

// searchResult is what the search of one account found.
type searchResult struct {
	verdict searchVerdict
	steps   int
}

// lentry is an entry of the search's event list: the call or the return
// of operation op. Operations whose Return is +inf (outMaybe) have no
// return entry.
type lentry struct {
	op int32
	// prev, next and match (the call's return entry) are indexes of the
	// search's entries; noEntry for none.
	prev, next, match int32
	ret               bool
}

// entryKey is the sort key of the entry of operation op's call (ret
// false) or return at record index pos: pos (as an int32, the sign bit
// flipped so that unsigned order is signed order) in the high 32 bits,
// then the return bit (a call first), then op (below 2^31: operations
// are a history's, whose records number fewer than 2^31). Keys sort as
// plain integers, with no comparison function.
func entryKey(pos int64, ret bool, op int) uint64 {
	k := uint64(uint32(int32(pos))^1<<31)<<32 | uint64(op)
	if ret {
		k |= 1 << 31
	}
	return k
}

// noEntry is the index of no entry.
const noEntry = -1

// searchAccount decides whether ops, the operations of one account, are
// linearizable against their aggregate's sequential specification
// ([linModel.step]): whether one total order of them,
// respecting real time (an operation that returned before another was
// invoked comes first), explains every answer. An outMaybe command may
// appear in the order or not. It is the search of Wing and Gong with
// Lowe's memoization: depth first, linearizing at each point one of the
// operations invoked before the earliest pending return, and never
// visiting the same (set of linearized operations, state) twice. It stops
// after budget steps.
func searchAccount(ops []linOp, budget int) searchResult {
	var s linSearch
	return s.run(ops, budget)
}

// linSearch holds the buffers of [searchAccount], so that judging many
// accounts one after another reuses them.
type linSearch struct {
	keys    []uint64
	entries []lentry
	callOf  []int32
	bit     []int
	stack   []linFrame
	seen    linCache
}

// reserve sizes the buffers for searches of up to n operations.
func (s *linSearch) reserve(n int) {
	s.keys, s.entries = grow(s.keys, 2*n), grow(s.entries, 2*n+1)
	s.callOf, s.bit, s.stack = grow(s.callOf, n), grow(s.bit, n), grow(s.stack, n)
	// A search that succeeds visits each operation at least once, and a
	// key of one state word, the set's bounds and a word or two of it.
	if s.seen.byHash == nil {
		s.seen.byHash = make(map[uint64]int32, n)
	}
	s.seen.arena = grow(s.seen.arena, 7*n)
}

// linFrame is one choice of the search: the call it linearized and the
// state before it.
type linFrame struct {
	call  int32
	state linState
}

// run is [searchAccount] with s's buffers.
func (s *linSearch) run(ops []linOp, budget int) searchResult { return s.runOf(ops, nil, budget) }

// runOf is run on the operations ops[sel[0]], ops[sel[1]]... (all of ops
// when sel is nil), without copying them.
func (s *linSearch) runOf(all []linOp, sel []int32, budget int) searchResult {
	n := len(all)
	if sel != nil {
		n = len(sel)
	}
	at := func(i int) *linOp {
		if sel != nil {
			return &all[sel[i]]
		}
		return &all[i]
	}
	if n > 0 && at(0).m != nil {
		at(0).m.restart()
	}
	// The entries in the order of their record indexes, sorted as keys
	// ([entryKey]). Positions are record indexes, so they do not tie;
	// were two equal, the intervals would be closed: the call first.
	keys := grow(s.keys, 2*n)
	finite := 0
	for i := range n {
		o := at(i)
		keys = append(keys, entryKey(o.Call, false, i))
		if o.Return != math.MaxInt64 {
			keys = append(keys, entryKey(o.Return, true, i))
			finite++
		}
	}
	slices.Sort(keys)
	s.keys = keys
	// Entry 0 heads the list.
	entries := append(grow(s.entries, 2*n+1), lentry{})
	for _, k := range keys {
		entries = append(entries, lentry{op: int32(k & (1<<31 - 1)), ret: k&(1<<31) != 0})
	}
	callOf := grow(s.callOf, n)[:n]
	s.entries, s.callOf = entries, callOf
	es := entries
	es[0] = lentry{prev: noEntry, next: noEntry, match: noEntry}
	for i := 1; i < len(es); i++ {
		e := &es[i]
		e.prev, e.next, e.match = int32(i-1), noEntry, noEntry
		es[i-1].next = int32(i)
		if !e.ret {
			callOf[e.op] = int32(i)
		}
	}
	for i := 1; i < len(es); i++ {
		if e := &es[i]; e.ret {
			es[callOf[e.op]].match = int32(i)
		}
	}
	unlink := func(i int32) {
		e := &es[i]
		es[e.prev].next = e.next
		if e.next != noEntry {
			es[e.next].prev = e.prev
		}
	}
	relink := func(i int32) {
		e := &es[i]
		es[e.prev].next = i
		if e.next != noEntry {
			es[e.next].prev = i
		}
	}
	lift := func(call int32) {
		unlink(call)
		if r := es[call].match; r != noEntry {
			unlink(r)
		}
	}
	unlift := func(call int32) {
		if r := es[call].match; r != noEntry {
			relink(r)
		}
		relink(call)
	}

	// Each operation with a return has a bit in the cache's set; each
	// outMaybe command counts in its class: the commands of one type and
	// amount (and payload). Two outMaybe commands of a class are interchangeable once
	// both are invoked, which both are when either was linearized (an
	// operation's call precedes the earliest pending return, and that
	// only moves forward as the set grows): which of them took effect
	// does not matter, only how many did.
	bit := grow(s.bit, n)[:n]
	s.bit = bit
	nfin := 0
	type class struct {
		typ, payload history.Sym
		amount       int64
	}
	classes := map[class]int{}
	for i := range n {
		o := at(i)
		if o.Return != math.MaxInt64 {
			bit[i], nfin = nfin, nfin+1
			continue
		}
		k := class{o.Type, o.Payload, o.Amount}
		c, ok := classes[k]
		if !ok {
			c = len(classes)
			classes[k] = c
		}
		bit[i] = c
	}
	seen := &s.seen
	seen.reset(nfin, len(classes))
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
	var res searchResult
	state := linState{}
	entry := es[0].next
	for finite > 0 {
		if entry == noEntry || es[entry].ret {
			// The earliest pending return: the operations invoked before
			// it were all tried. Undo the last choice.
			if len(stack) == 0 {
				res.verdict = searchIllegal
				return res
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			call := &es[top.call]
			seen.clear(bit[call.op], call.match != noEntry)
			state = top.state
			unlift(top.call)
			if call.match != noEntry {
				finite++
			}
			entry = call.next
			continue
		}
		if res.steps >= budget {
			res.verdict = searchOutOfSteps
			return res
		}
		res.steps++
		e := &es[entry]
		op := int(e.op)
		o := at(op)
		ok, next := o.m.step(state, o)
		if ok && seen.visit(bit[op], e.match != noEntry, next) {
			stack = append(stack, linFrame{call: entry, state: state})
			state = next
			lift(entry)
			if e.match != noEntry {
				finite--
			}
			entry = es[0].next
			continue
		}
		entry = e.next
	}
	res.verdict = searchOK
	return res
}

// linCache remembers the (set of linearized operations, state) pairs the
// search has visited. The set is kept as a bitset over the operations
// with a return (finite), stored compactly (every finite operation below
// lo is linearized, so only the words from lo's up to the highest
// linearized one are kept), and a count per class of outMaybe commands.
type linCache struct {
	fin, inf []uint64
	lo, hi   int // lowest unlinearized, highest linearized finite bit (-1: none)
	// The arena holds each key visited as [link, length, words...], where
	// link is the offset of the length word of the previous key with the
	// same hash (0: none); byHash gives that offset for the last key
	// visited with each hash.
	byHash map[uint64]int32
	arena  []uint64
	key    []uint64
}

// reset empties the cache for a search of nfin finite operations and
// nclasses classes of outMaybe commands, keeping its memory.
func (c *linCache) reset(nfin, nclasses int) {
	c.fin = grow(c.fin, (nfin+63)/64)[:(nfin+63)/64]
	clear(c.fin)
	c.inf = grow(c.inf, nclasses)[:nclasses]
	clear(c.inf)
	c.lo, c.hi = 0, -1
	if c.byHash == nil {
		c.byHash = map[uint64]int32{}
	}
	clear(c.byHash)
	c.arena = c.arena[:0]
}

// grow returns buf emptied, with room for n elements.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, 0, n)
	}
	return buf[:0]
}

// visit adds bit op of the finite set, or one to the count of class op,
// to the current set and
// reports whether (set, next) is new; if not, it undoes the change.
func (c *linCache) visit(op int, finite bool, next linState) bool {
	c.set(op, finite)
	k := c.keyOf(next)
	h := hashWords(k)
	head, seen := c.byHash[h]
	for at := head; seen && at > 0; at = int32(c.arena[at-1]) {
		if int(c.arena[at]) == len(k) && equalWords(c.arena[int(at)+1:int(at)+1+len(k)], k) {
			c.clear(op, finite)
			return false
		}
	}
	prev := uint64(0)
	if seen {
		prev = uint64(head)
	}
	c.arena = append(c.arena, prev, uint64(len(k)))
	c.byHash[h] = int32(len(c.arena) - 1)
	c.arena = append(c.arena, k...)
	return true
}

func (c *linCache) set(op int, finite bool) {
	if !finite {
		c.inf[op]++
		return
	}
	c.fin[op/64] |= 1 << (op % 64)
	c.hi = max(c.hi, op)
	for c.lo < len(c.fin)*64 && c.fin[c.lo/64]&(1<<(c.lo%64)) != 0 {
		c.lo++
	}
}

func (c *linCache) clear(op int, finite bool) {
	if !finite {
		c.inf[op]--
		return
	}
	c.fin[op/64] &^= 1 << (op % 64)
	c.lo = min(c.lo, op)
	for c.hi >= 0 && c.fin[c.hi/64]&(1<<(c.hi%64)) == 0 {
		c.hi--
	}
}

// keyOf builds the compact key of the current set and state s.
func (c *linCache) keyOf(s linState) []uint64 {
	k := c.key[:0]
	k = append(k, s.id, uint64(s.version), uint64(c.lo), 0)
	if c.hi >= c.lo {
		k = append(k, c.fin[c.lo/64:c.hi/64+1]...)
		k[3] = uint64(c.hi/64 + 1 - c.lo/64) // how many words of fin follow
	}
	last := len(c.inf) - 1
	for last >= 0 && c.inf[last] == 0 {
		last--
	}
	k = append(k, c.inf[:last+1]...)
	c.key = k
	return k
}

func hashWords(k []uint64) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range k {
		h ^= w
		h *= 1099511628211
		h ^= h >> 29
	}
	return h
}

func equalWords(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
