package sim_test

// The reference workload of the kernel benchmark, rewritten from the
// project's bench notes so that the repository stands alone: a pub/sub
// pipeline that every discrete-event engine can run. N producers publish M
// messages each into one FIFO queue after exponential gaps; one consumer
// serves them with exponential service times. All draws are made up front
// as integer ticks, so every engine simulates the same history and must
// report the same count, makespan and total sojourn. Logical events per run
// are 2*N*M.

import (
	"math"
	"math/rand/v2"
)

type workload struct {
	n, m    int
	gap     [][]int64 // gap[p][j]: delay before producer p publishes its j-th message
	service []int64   // service[id]: service time of message id = p*m + j
}

func newWorkload(n, m int, seed uint64, meanGap, meanSvc float64) *workload {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w := &workload{n: n, m: m, gap: make([][]int64, n), service: make([]int64, n*m)}
	draw := func(mean float64) int64 {
		v := int64(math.Round(r.ExpFloat64() * mean))
		if v < 1 {
			v = 1
		}
		return v
	}
	for p := 0; p < n; p++ {
		w.gap[p] = make([]int64, m)
		for j := 0; j < m; j++ {
			w.gap[p][j] = draw(meanGap)
		}
	}
	for i := range w.service {
		w.service[i] = draw(meanSvc)
	}
	return w
}

func (w *workload) logicalEvents() int { return 2 * w.n * w.m }

// result is what every engine must report, to cross-check them.
type result struct {
	count      int
	makespan   int64
	sumSojourn int64
}

type msg struct {
	id  int32
	arr int64
}

// fifo is a growable ring buffer.
type fifo struct {
	buf        []msg
	head, size int
}

func (f *fifo) push(m msg) {
	if f.size == len(f.buf) {
		nb := make([]msg, max(16, 2*len(f.buf)))
		for i := 0; i < f.size; i++ {
			nb[i] = f.buf[(f.head+i)%len(f.buf)]
		}
		f.buf, f.head = nb, 0
	}
	f.buf[(f.head+f.size)%len(f.buf)] = m
	f.size++
}

func (f *fifo) pop() msg {
	m := f.buf[f.head]
	f.head = (f.head + 1) % len(f.buf)
	f.size--
	return m
}

// The typed-heap baseline: one loop popping the earliest (time, seq) event
// from a binary heap of values. It is the practical speed limit of a
// single-threaded Go event loop on this workload.

const (
	evPublish uint8 = iota
	evDone
)

type hev struct {
	t    int64
	seq  uint64
	kind uint8
	p    int32
	id   int32
}

func hevLess(a, b *hev) bool {
	if a.t != b.t {
		return a.t < b.t
	}
	return a.seq < b.seq
}

type typedHeap struct{ a []hev }

func (h *typedHeap) push(e hev) {
	h.a = append(h.a, e)
	i := len(h.a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !hevLess(&h.a[i], &h.a[p]) {
			break
		}
		h.a[i], h.a[p] = h.a[p], h.a[i]
		i = p
	}
}

func (h *typedHeap) pop() hev {
	top := h.a[0]
	n := len(h.a) - 1
	h.a[0] = h.a[n]
	h.a = h.a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && hevLess(&h.a[r], &h.a[l]) {
			m = r
		}
		if !hevLess(&h.a[m], &h.a[i]) {
			break
		}
		h.a[i], h.a[m] = h.a[m], h.a[i]
		i = m
	}
	return top
}

func runTypedHeap(w *workload) result {
	var res result
	q := typedHeap{a: make([]hev, 0, w.n+1)}
	var seq uint64
	push := func(e hev) { e.seq = seq; seq++; q.push(e) }
	next := make([]int, w.n)
	var f fifo
	busy := false
	var cur msg
	for p := 0; p < w.n; p++ {
		push(hev{t: w.gap[p][0], kind: evPublish, p: int32(p), id: int32(p * w.m)})
	}
	for len(q.a) > 0 {
		e := q.pop()
		now := e.t
		switch e.kind {
		case evPublish:
			f.push(msg{id: e.id, arr: now})
			p := int(e.p)
			if j := next[p] + 1; j < w.m {
				next[p] = j
				push(hev{t: now + w.gap[p][j], kind: evPublish, p: e.p, id: int32(p*w.m + j)})
			}
			if !busy {
				busy = true
				cur = f.pop()
				push(hev{t: now + w.service[cur.id], kind: evDone, id: cur.id})
			}
		case evDone:
			res.count++
			res.sumSojourn += now - cur.arr
			res.makespan = now
			if f.size > 0 {
				cur = f.pop()
				push(hev{t: now + w.service[cur.id], kind: evDone, id: cur.id})
			} else {
				busy = false
			}
		}
	}
	return res
}
