package sim_test

import (
	"testing"
	"time"

	"github.com/evsim/evsim/sim"
)

// The same workload on the kernel: producers and the server are nodes, and
// every publish and completion is a timer event through the world's queue.

const (
	kPublish uint32 = iota
	kDone
)

type benchProducer struct {
	w   *workload
	p   int
	j   int
	srv *benchServer
}

func (pr *benchProducer) Handle(w *sim.World, ev *sim.Event) {
	pr.srv.arrive(w, msg{id: int32(pr.p*pr.w.m + pr.j), arr: int64(w.Now())})
	if pr.j+1 < pr.w.m {
		pr.j++
		w.After(ev.Node, sim.Time(pr.w.gap[pr.p][pr.j]), kPublish, 0, 0, nil)
	}
}

type benchServer struct {
	id   sim.NodeID
	wl   *workload
	f    fifo
	busy bool
	cur  msg
	res  result
}

func (s *benchServer) arrive(w *sim.World, m msg) {
	s.f.push(m)
	if !s.busy {
		s.start(w)
	}
}

func (s *benchServer) start(w *sim.World) {
	s.busy = true
	s.cur = s.f.pop()
	w.After(s.id, sim.Time(s.wl.service[s.cur.id]), kDone, 0, 0, nil)
}

func (s *benchServer) Handle(w *sim.World, ev *sim.Event) {
	now := int64(w.Now())
	s.res.count++
	s.res.sumSojourn += now - s.cur.arr
	s.res.makespan = now
	if s.f.size > 0 {
		s.start(w)
	} else {
		s.busy = false
	}
}

func runKernel(wl *workload) result {
	w := sim.New(1)
	srv := &benchServer{wl: wl}
	for p := 0; p < wl.n; p++ {
		pr := &benchProducer{w: wl, p: p, srv: srv}
		id := w.Add("producer", pr)
		w.After(id, sim.Time(wl.gap[p][0]), kPublish, 0, 0, nil)
	}
	srv.id = w.Add("server", srv)
	w.Stabilize(uint64(4 * wl.logicalEvents()))
	return srv.res
}

var (
	benchW = newWorkload(10, 10_000, 42, 10_000, 800)
	wideW  = newWorkload(1000, 100, 42, 1_000_000, 800)
)

func TestKernelAgreesWithTypedHeap(t *testing.T) {
	for _, wl := range []*workload{newWorkload(10, 500, 42, 10_000, 800), newWorkload(200, 20, 7, 1_000_000, 800)} {
		want, got := runTypedHeap(wl), runKernel(wl)
		if got != want {
			t.Fatalf("kernel %+v, typed heap %+v", got, want)
		}
		if want.count != wl.n*wl.m {
			t.Fatalf("count %d, want %d", want.count, wl.n*wl.m)
		}
	}
}

func bench(b *testing.B, wl *workload, fn func(*workload) result) {
	b.ReportAllocs()
	t0 := time.Now()
	for b.Loop() {
		fn(wl)
	}
	b.ReportMetric(float64(wl.logicalEvents())*float64(b.N)/time.Since(t0).Seconds(), "events/s")
}

// BenchmarkKernel runs the reference workload on the kernel and on the
// typed-heap baseline in the same binary; compare their events/s.
func BenchmarkKernel(b *testing.B) {
	b.Run("workload=narrow/engine=typed-heap", func(b *testing.B) { bench(b, benchW, runTypedHeap) })
	b.Run("workload=narrow/engine=sim", func(b *testing.B) { bench(b, benchW, runKernel) })
	b.Run("workload=wide/engine=typed-heap", func(b *testing.B) { bench(b, wideW, runTypedHeap) })
	b.Run("workload=wide/engine=sim", func(b *testing.B) { bench(b, wideW, runKernel) })
}
