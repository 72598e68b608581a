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
func PoisonStocks(n int) (used func() (logs, counts int)) {
	DrainStocks()
	logs := map[*logRecord]bool{}
	counts := map[*uint16]bool{}
	for i := range n {
		room := 1 << 10
		if i%2 == 1 {
			room = 1 << 13
		}
		a := make([]logRecord, room)
		fill(unsafe.Pointer(&a[0]), room*int(unsafe.Sizeof(a[0])))
		logs[&a[0]] = true
		logStock.give(&a)
		c := make([]uint16, room)
		fill(unsafe.Pointer(&c[0]), room*int(unsafe.Sizeof(c[0])))
		counts[&c[0]] = true
		countStock.give(&c)
	}
	return func() (int, int) {
		return usedArrays(&logStock, logs), usedArrays(&countStock, counts)
	}
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
	logStock.mu.Lock()
	logStock.arrays, logStock.bytes = nil, 0
	logStock.mu.Unlock()
	countStock.mu.Lock()
	countStock.arrays, countStock.bytes = nil, 0
	countStock.mu.Unlock()
}
