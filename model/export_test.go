package model

import "unsafe"

// SetFreeListsOff turns the free lists of the event-sourced path off
// (true) or back on, for the tests of model_test.
func SetFreeListsOff(off bool) { freeListsOff = off }

// SetPoisonFetches turns the poisoning of reusable fetches on or off
// ([poisonFetches]).
func SetPoisonFetches(on bool) { poisonFetches = on }

// poisonByte fills the arrays PoisonStocks stocks: a run that read a
// stocked element it had not written would see it.
const poisonByte = 0xA5

// PoisonStocks empties the stocks of released arrays and fills them with
// n arrays of partition log records and n of delivery counts, half of
// small and half of large capacity, every byte set to poisonByte. It
// returns a function that counts the stocked arrays still known by
// address that a run took and wrote (their first element is no longer
// poison): the arrays a run on them used.
func PoisonStocks(n int) (used func() (logs, counts, records, events int)) {
	DrainStocks()
	logs := map[*logRecord]bool{}
	counts := map[*uint16]bool{}
	records := map[*Record]bool{}
	events := map[*StoredEvent]bool{}
	for i := range n {
		room := 1 << 10
		if i%2 == 1 {
			room = 1 << 13
		}
		e := make([]StoredEvent, 64<<(i%5))
		for k := range e {
			e[k] = poisonEvent
		}
		events[&e[0]] = true
		eventStock.give(&e)
		r := make([]Record, room/32)
		for k := range r {
			r[k] = poisonRecords[0]
		}
		records[&r[0]] = true
		recordStock.give(&r)
		a := make([]logRecord, room)
		fill(unsafe.Pointer(&a[0]), room*int(unsafe.Sizeof(a[0])))
		logs[&a[0]] = true
		logStock.give(&a)
		c := make([]uint16, room)
		fill(unsafe.Pointer(&c[0]), room*int(unsafe.Sizeof(c[0])))
		counts[&c[0]] = true
		countStock.give(&c)
	}
	return func() (int, int, int, int) {
		return usedArrays(&logStock, logs), usedArrays(&countStock, counts), usedRecordArrays(records), usedEventArrays(events)
	}
}

// poisonEvent fills the stocked chunks PoisonStocks makes.
var poisonEvent = StoredEvent{ID: "poison", Stream: "poison", Type: "poison", Amount: -1 << 40, Version: -1 << 40, Position: -1 << 40}

// usedEventArrays counts the arrays of the event stock among known whose
// first element is no longer poison.
func usedEventArrays(known map[*StoredEvent]bool) int {
	eventStock.mu.Lock()
	defer eventStock.mu.Unlock()
	n := 0
	for _, a := range eventStock.arrays {
		if p := &a[:1][0]; known[p] && *p != poisonEvent {
			n++
		}
	}
	return n
}

// usedRecordArrays counts the arrays of the record stock among known
// whose first element is no longer poison.
func usedRecordArrays(known map[*Record]bool) int {
	recordStock.mu.Lock()
	defer recordStock.mu.Unlock()
	n := 0
	for _, a := range recordStock.arrays {
		if p := &a[:1][0]; known[p] && *p != poisonRecords[0] {
			n++
		}
	}
	return n
}

// usedArrays counts the arrays of st among known whose first element is
// not all poison.
func usedArrays[T any](st *stock[T], known map[*T]bool) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, a := range st.arrays {
		p := &a[:1][0]
		if !known[p] {
			continue
		}
		b := unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
		for _, x := range b {
			if x != poisonByte {
				n++
				break
			}
		}
	}
	return n
}

func fill(p unsafe.Pointer, n int) {
	b := unsafe.Slice((*byte)(p), n)
	for i := range b {
		b[i] = poisonByte
	}
}

// DrainStocks empties the stocks of released arrays.
func DrainStocks() {
	logStock.drain()
	countStock.drain()
	recordStock.drain()
	eventStock.drain()
}

// SetInstantOff keeps every batch off the member's instant path (true),
// or lets them take it again ([instantOff]).
func SetInstantOff(off bool) { instantOff = off }

// InstantBatches returns the number of batches the members' instant path
// handled so far in the process.
func InstantBatches() int64 { return instantBatches.Load() }
