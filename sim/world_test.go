package sim

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// logNode records every event it handles as "kind@time(a)".
type logNode struct {
	log       []string
	crashes   []string
	restarts  []Time
	onHandle  func(w *World, ev *Event)
	onRestart func(w *World)
}

func (n *logNode) Handle(w *World, ev *Event) {
	n.log = append(n.log, fmt.Sprintf("k%d@%d(a=%d)", ev.Kind, ev.At, ev.A))
	if n.onHandle != nil {
		n.onHandle(w, ev)
	}
}

func (n *logNode) Crash(w *World, point string) {
	n.crashes = append(n.crashes, fmt.Sprintf("%s@%d", point, w.Now()))
}

func (n *logNode) Restart(w *World) {
	n.restarts = append(n.restarts, w.Now())
	if n.onRestart != nil {
		n.onRestart(w)
	}
}

// finishes fails the test if fn does not return within a few seconds, so a
// missing bound shows up as a failure rather than a hung test binary.
func finishes(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return: a bound is not enforced", what)
	}
}

func TestQueueOrdersByTimeThenInsertion(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	// Scheduled out of time order, with ties at 5 and 10; a is the
	// insertion index.
	for i, at := range []Time{10, 5, 10, 0, 5, 5, 20, 0, 10} {
		w.After(id, at, 1, int64(i), 0, nil)
	}
	if got := w.Stabilize(100); got != Drained {
		t.Fatalf("Stabilize = %v, want drained", got)
	}
	want := []string{
		"k1@0(a=3)", "k1@0(a=7)",
		"k1@5(a=1)", "k1@5(a=4)", "k1@5(a=5)",
		"k1@10(a=0)", "k1@10(a=2)", "k1@10(a=8)",
		"k1@20(a=6)",
	}
	if !slices.Equal(n.log, want) {
		t.Fatalf("order\n got %v\nwant %v", n.log, want)
	}
}

func TestQueueOrderMatchesStableSort(t *testing.T) {
	// Many events on few distinct times, scheduled from handlers too: the
	// processing order must be the stable sort by time of the schedule order.
	w := New(7)
	r := w.Stream()
	n := &logNode{}
	id := w.Add("n", n)
	type sched struct {
		at  Time
		seq int
	}
	var all []sched
	next := 0
	for range 500 {
		at := Time(r.IntN(20))
		all = append(all, sched{at, next})
		w.After(id, at, 1, int64(next), 0, nil)
		next++
	}
	w.Stabilize(10_000)
	slices.SortStableFunc(all, func(a, b sched) int { return int(a.at - b.at) })
	if len(n.log) != len(all) {
		t.Fatalf("handled %d events, want %d", len(n.log), len(all))
	}
	for i, s := range all {
		if want := fmt.Sprintf("k1@%d(a=%d)", s.at, s.seq); n.log[i] != want {
			t.Fatalf("event %d: got %s, want %s", i, n.log[i], want)
		}
	}
}

func TestScheduleInThePastPanics(t *testing.T) {
	w := New(1)
	id := w.Add("n", &logNode{})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "negative delay") {
			t.Fatalf("After with a negative delay: recovered %v, want a panic naming the negative delay", r)
		}
	}()
	w.After(id, -1, 1, 0, 0, nil)
}

func TestRunStopsAtTimeBound(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	for _, at := range []Time{5, 10, 20} {
		w.After(id, at, 1, int64(at), 0, nil)
	}
	if got := w.Run(15, 0); got != ReachedTime {
		t.Fatalf("Run(15) = %v, want %v", got, ReachedTime)
	}
	if w.Now() != 15 {
		t.Fatalf("Now after Run(15) = %v, want the bound +15ns", w.Now())
	}
	if want := []string{"k1@5(a=5)", "k1@10(a=10)"}; !slices.Equal(n.log, want) {
		t.Fatalf("handled %v, want %v", n.log, want)
	}
	// An event exactly at the bound runs.
	if got := w.Run(20, 0); got != Drained {
		t.Fatalf("Run(20) = %v, want drained", got)
	}
	if len(n.log) != 3 || w.Now() != 20 {
		t.Fatalf("after Run(20): %d events, now %v; want 3 events at +20ns", len(n.log), w.Now())
	}
}

func TestRunTimeBoundSkipsCancelledEvents(t *testing.T) {
	// A cancelled timer at the head of the queue must not let Run process an
	// event beyond its time bound.
	w := New(1)
	a, b := &logNode{}, &logNode{}
	ia := w.Add("a", a)
	ib := w.Add("b", b)
	w.After(ia, 5, 1, 0, 0, nil)   // cancelled by the crash below
	w.After(ib, 100, 1, 0, 0, nil) // far beyond the bound
	w.Crash(ia, "test", -1)
	if got := w.Run(10, 0); got != ReachedTime {
		t.Fatalf("Run(10) = %v, want %v", got, ReachedTime)
	}
	if len(b.log) != 0 || w.Now() != 10 {
		t.Fatalf("Run(10) handled %v and left the clock at %v; want nothing handled and the clock at +10ns", b.log, w.Now())
	}
}

func TestRunTimeBoundWithTimerForDownNode(t *testing.T) {
	// A timer set for a node while it is down is not handled; it must not
	// make Run process an event beyond its time bound either.
	w := New(1)
	a, b := &logNode{}, &logNode{}
	ia := w.Add("a", a)
	ib := w.Add("b", b)
	w.Crash(ia, "test", -1)
	w.After(ia, 5, 1, 0, 0, nil)
	w.After(ib, 100, 1, 0, 0, nil)
	if got := w.Run(10, 0); got != ReachedTime {
		t.Fatalf("Run(10) = %v, want %v", got, ReachedTime)
	}
	if len(a.log) != 0 || len(b.log) != 0 || w.Now() != 10 {
		t.Fatalf("Run(10) handled a=%v b=%v, clock %v; want nothing handled and the clock at +10ns", a.log, b.log, w.Now())
	}
}

func TestBoundsStopSelfReschedulingNode(t *testing.T) {
	for _, delay := range []Time{0, 1} {
		t.Run(fmt.Sprintf("delay=%d", delay), func(t *testing.T) {
			w := New(1)
			n := &logNode{}
			id := w.Add("loop", n)
			n.onHandle = func(w *World, ev *Event) { w.After(id, delay, 1, 0, 0, nil) }
			w.After(id, 0, 1, 0, 0, nil)
			var stop Stop
			finishes(t, "Run", func() { stop = w.Run(1<<62, 1000) })
			if stop != ReachedEvents || w.Steps() != 1000 {
				t.Fatalf("Run with event bound 1000 = %v after %d steps, want %v after 1000", stop, w.Steps(), ReachedEvents)
			}
			finishes(t, "Stabilize", func() { stop = w.Stabilize(500) })
			if stop != ReachedEvents || w.Steps() != 1500 {
				t.Fatalf("Stabilize(500) = %v after %d steps, want %v after 1500", stop, w.Steps(), ReachedEvents)
			}
			if w.Pending() == 0 {
				t.Fatalf("a bound was hit but nothing is pending")
			}
		})
	}
}

func TestStopString(t *testing.T) {
	for s, want := range map[Stop]string{Drained: "drained", ReachedTime: "reached time bound", ReachedEvents: "reached event bound", Stop(9): "Stop(9)"} {
		if s.String() != want {
			t.Errorf("Stop(%d).String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

func TestCrashCancelsTimers(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	other := w.Add("other", &logNode{})
	w.After(id, 10, 1, 0, 0, nil)
	w.After(other, 50, 1, 0, 0, nil) // keeps the queue from draining before +20ns
	w.Run(5, 0)
	w.Crash(id, "test-point", -1)
	if w.Up(id) {
		t.Fatal("node is up after Crash")
	}
	if want := []string{"test-point@5"}; !slices.Equal(n.crashes, want) {
		t.Fatalf("Crasher calls %v, want %v", n.crashes, want)
	}
	w.Run(20, 0)
	w.Restart(id)
	w.Run(100, 0)
	if len(n.log) != 0 {
		t.Fatalf("a timer set before the crash fired: %v", n.log)
	}
	if !w.Up(id) || !slices.Equal(n.restarts, []Time{20}) {
		t.Fatalf("after Restart: up=%v restarts=%v; want up, one restart at +20ns", w.Up(id), n.restarts)
	}
	// A timer set after the restart fires.
	w.After(id, 1, 2, 0, 0, nil)
	want := []string{fmt.Sprintf("k2@%d(a=0)", w.Now()+1)}
	w.Stabilize(10)
	if !slices.Equal(n.log, want) {
		t.Fatalf("after restart: handled %v, want %v", n.log, want)
	}
}

func TestCrashLosesMessagesInFlight(t *testing.T) {
	w := New(1)
	src, dst := &logNode{}, &logNode{}
	is := w.Add("src", src)
	id := w.Add("dst", dst)
	w.Network().SetLink(is, id, Link{LatencyMin: 10, LatencyMax: 10})
	w.Send(is, id, 1, 1, 0, nil) // would arrive at 10
	w.Run(2, 0)
	w.Crash(id, "boom", 3) // restarts at 5, before the message would arrive
	w.Run(6, 0)
	if !w.Up(id) || !slices.Equal(dst.restarts, []Time{5}) {
		t.Fatalf("dst up=%v restarts=%v, want up after one restart at +5ns", w.Up(id), dst.restarts)
	}
	w.Send(is, id, 1, 2, 0, nil) // sent after the restart: arrives 10ns later
	want := []string{fmt.Sprintf("k1@%d(a=2)", w.Now()+10)}
	w.Stabilize(100)
	if !slices.Equal(dst.log, want) {
		t.Fatalf("dst handled %v, want only the message sent after the restart %v", dst.log, want)
	}
}

func TestSendToDownNodeIsLost(t *testing.T) {
	w := New(1)
	src, dst := &logNode{}, &logNode{}
	is := w.Add("src", src)
	id := w.Add("dst", dst)
	w.Crash(id, "down", -1)
	w.Send(is, id, 1, 0, 0, nil)
	w.Restart(id)
	w.Stabilize(100)
	if len(dst.log) != 0 {
		t.Fatalf("a message sent while dst was down arrived: %v", dst.log)
	}
}

func TestCrashOfDownNodeDoesNothing(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	w.Crash(id, "first", 5)
	w.Crash(id, "second", 1)
	w.Stabilize(100)
	if !slices.Equal(n.crashes, []string{"first@0"}) || !slices.Equal(n.restarts, []Time{5}) {
		t.Fatalf("crashes %v restarts %v, want one crash and one restart at +5ns", n.crashes, n.restarts)
	}
}

// hook crashes at the points it is told and records what it was asked.
type hook struct {
	crashAt      string
	restartAfter Time
	asked        []string
}

func (h *hook) Crash(w *World, node NodeID, point string) (bool, Time) {
	h.asked = append(h.asked, fmt.Sprintf("%s:%s@%d", w.Name(node), point, w.Now()))
	return point == h.crashAt, h.restartAfter
}

func TestCrashPointUnwindsHandler(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	var after []string
	n.onHandle = func(w *World, ev *Event) {
		w.CrashPoint(id, "safe")
		after = append(after, "past safe")
		w.CrashPoint(id, "deadly")
		after = append(after, "past deadly")
	}
	h := &hook{crashAt: "deadly", restartAfter: 7}
	w.SetCrashHook(h)
	w.After(id, 1, 1, 0, 0, nil)
	w.After(id, 3, 1, 0, 0, nil) // cancelled by the crash at 1
	if !w.Step() {
		t.Fatal("Step found nothing to do")
	}
	if want := []string{"past safe"}; !slices.Equal(after, want) {
		t.Fatalf("handler ran %v, want %v: code after the crash point must not run", after, want)
	}
	if w.Up(id) {
		t.Fatal("node is up right after crashing at a crash point")
	}
	if want := []string{"deadly@1"}; !slices.Equal(n.crashes, want) {
		t.Fatalf("Crasher calls %v, want %v", n.crashes, want)
	}
	if want := []string{"n:safe@1", "n:deadly@1"}; !slices.Equal(h.asked, want) {
		t.Fatalf("hook asked %v, want %v", h.asked, want)
	}
	w.Run(7, 0)
	if w.Up(id) {
		t.Fatal("node restarted before its delay of 7ns")
	}
	w.Run(8, 0)
	if !w.Up(id) || !slices.Equal(n.restarts, []Time{8}) {
		t.Fatalf("up=%v restarts=%v, want the node restarted at +8ns", w.Up(id), n.restarts)
	}
	w.Stabilize(100)
	if len(n.log) != 1 {
		t.Fatalf("handled %v: the timer set for +3ns before the crash must be cancelled", n.log)
	}
}

func TestCrashPointWithoutHookOrCrashContinues(t *testing.T) {
	for _, h := range []CrashHook{nil, &hook{crashAt: "elsewhere"}} {
		w := New(1)
		n := &logNode{}
		id := w.Add("n", n)
		ran := false
		n.onHandle = func(w *World, ev *Event) {
			w.CrashPoint(id, "p")
			ran = true
		}
		w.SetCrashHook(h)
		w.After(id, 1, 1, 0, 0, nil)
		w.Stabilize(10)
		if !ran || !w.Up(id) || len(n.crashes) != 0 {
			t.Fatalf("hook %v: ran=%v up=%v crashes=%v; want the handler to finish and the node up", h, ran, w.Up(id), n.crashes)
		}
	}
}

func TestCrashPointStaysDownOnNegativeRestart(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	n.onHandle = func(w *World, ev *Event) { w.CrashPoint(id, "p") }
	w.SetCrashHook(&hook{crashAt: "p", restartAfter: -1})
	w.After(id, 1, 1, 0, 0, nil)
	if got := w.Stabilize(100); got != Drained {
		t.Fatalf("Stabilize = %v, want drained", got)
	}
	if w.Up(id) || len(n.restarts) != 0 {
		t.Fatalf("up=%v restarts=%v, want the node to stay down", w.Up(id), n.restarts)
	}
}

func TestCrashPointInRestart(t *testing.T) {
	// A crash point hit while restarting takes the node down again.
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	restarts := 0
	n.onRestart = func(w *World) {
		restarts++
		w.CrashPoint(id, "on-restart")
	}
	h := &hook{crashAt: "on-restart", restartAfter: 10}
	w.SetCrashHook(h)
	w.Crash(id, "first", 10)
	w.Run(25, 0)
	if restarts != 2 || w.Up(id) {
		t.Fatalf("restarts=%d up=%v, want two restarts, each crashing again", restarts, w.Up(id))
	}
}

func TestOtherPanicsPropagate(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	n.onHandle = func(w *World, ev *Event) { panic("model bug") }
	w.After(id, 1, 1, 0, 0, nil)
	defer func() {
		if r := recover(); r != "model bug" {
			t.Fatalf("recovered %v, want the handler's own panic to propagate", r)
		}
	}()
	w.Step()
	t.Fatal("Step returned after a handler panic")
}

func TestRestartEventIsCountedAndChecksummed(t *testing.T) {
	run := func(restart Time) uint64 {
		w := New(1)
		id := w.Add("n", &logNode{})
		w.Crash(id, "p", restart)
		w.Stabilize(10)
		return w.Checksum()
	}
	if run(1) == run(2) {
		t.Fatal("the checksum does not depend on when a node restarted")
	}
}

func TestChecksumDependsOnEvents(t *testing.T) {
	run := func(a int64) uint64 {
		w := New(1)
		id := w.Add("n", &logNode{})
		w.After(id, 1, 1, a, 0, nil)
		w.Stabilize(10)
		return w.Checksum()
	}
	if run(1) != run(1) {
		t.Fatal("same events, different checksums")
	}
	if run(1) == run(2) {
		t.Fatal("different events, same checksum")
	}
}

func TestStreamsAreIndependent(t *testing.T) {
	draws := func(s interface{ Uint64() uint64 }, n int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = s.Uint64()
		}
		return out
	}
	// World A has one component; world B adds a second one after it and
	// interleaves its draws with the first one's.
	a := New(42)
	firstA := draws(a.Stream(), 20)

	b := New(42)
	s1 := b.Stream()
	s2 := b.Stream()
	var firstB []uint64
	for range 20 {
		s2.Uint64()
		firstB = append(firstB, s1.Uint64())
		s2.Uint64()
	}
	if !slices.Equal(firstA, firstB) {
		t.Fatal("adding a second component changed the first component's draws")
	}
	if slices.Equal(firstB, draws(s2, 20)) {
		t.Fatal("two components draw the same numbers")
	}
	if slices.Equal(firstA, draws(New(43).Stream(), 20)) {
		t.Fatal("seeds 42 and 43 give the same draws")
	}
	if New(42).Seed() != 42 {
		t.Fatal("Seed does not return the seed")
	}
}

func TestParseRatio(t *testing.T) {
	good := map[string]Ratio{
		"1/20":    {1, 20},
		"0":       {0, 1},
		"1":       {1, 1},
		" 3 / 4 ": {3, 4},
		"0/5":     {0, 5},
		"7/7":     {7, 7},
	}
	for s, want := range good {
		got, err := ParseRatio(s)
		if err != nil || got != want {
			t.Errorf("ParseRatio(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	bad := map[string]string{
		"3/2":   "at most 1",
		"1/0":   "positive denominator",
		"2":     "at most 1",
		"":      "bad ratio",
		"abc":   "bad ratio",
		"-1/2":  "bad ratio",
		"1/2/3": "bad ratio",
		"0.5":   "bad ratio",
		"1/-2":  "bad ratio",
	}
	for s, phrase := range bad {
		_, err := ParseRatio(s)
		if err == nil || !strings.Contains(err.Error(), phrase) {
			t.Errorf("ParseRatio(%q) error = %v, want one containing %q", s, err, phrase)
		}
	}
	if got := (Ratio{1, 20}).String(); got != "1/20" {
		t.Errorf("String = %q, want 1/20", got)
	}
}

func TestRatioChance(t *testing.T) {
	const n = 20_000
	count := func(q Ratio) int {
		r := New(5).Stream()
		c := 0
		for range n {
			if q.Chance(r) {
				c++
			}
		}
		return c
	}
	for _, c := range []struct {
		q      Ratio
		lo, hi int
	}{
		{Ratio{}, 0, 0},
		{Ratio{0, 1}, 0, 0},
		{Ratio{1, 0}, 0, 0}, // a malformed ratio never fires
		{Ratio{1, 1}, n, n},
		{Ratio{5, 5}, n, n},
		{Ratio{1, 2}, n * 48 / 100, n * 52 / 100},
		{Ratio{1, 20}, n * 4 / 100, n * 6 / 100},
		{Ratio{999, 1000}, n * 99 / 100, n - 1},
	} {
		if got := count(c.q); got < c.lo || got > c.hi {
			t.Errorf("%v: %d of %d trials, want %d..%d", c.q, got, n, c.lo, c.hi)
		}
	}
}

func TestLinkLatencyWithinBounds(t *testing.T) {
	w := New(3)
	src, dst := &logNode{}, &logNode{}
	is := w.Add("src", src)
	id := w.Add("dst", dst)
	w.Network().SetLink(is, id, Link{LatencyMin: 3, LatencyMax: 7})
	arrivals := map[Time]int{}
	dst.onHandle = func(w *World, ev *Event) { arrivals[w.Now()]++ }
	for range 1000 {
		w.Send(is, id, 1, 0, 0, nil)
	}
	w.Stabilize(10_000)
	total := 0
	for at, c := range arrivals {
		if at < 3 || at > 7 {
			t.Errorf("%d message(s) arrived at %v, outside the link's 3..7ns", c, at)
		}
		total += c
	}
	if total != 1000 {
		t.Fatalf("%d of 1000 messages arrived on a lossless link", total)
	}
	for at := Time(3); at <= 7; at++ {
		if arrivals[at] < 100 {
			t.Errorf("only %d of 1000 messages arrived at %v: latency is not spread over 3..7ns", arrivals[at], at)
		}
	}
}

func TestDefaultLinkAndOverrides(t *testing.T) {
	w := New(3)
	a, b, c := &logNode{}, &logNode{}, &logNode{}
	ia := w.Add("a", a)
	ib := w.Add("b", b)
	ic := w.Add("c", c)
	w.Network().Default = Link{LatencyMin: 4, LatencyMax: 4}
	w.Network().SetLink(ia, ib, Link{LatencyMin: 9, LatencyMax: 9})
	w.Send(ia, ib, 1, 0, 0, nil)
	w.Send(ia, ic, 1, 0, 0, nil)
	w.Send(ib, ia, 1, 0, 0, nil) // the override is one way
	w.Stabilize(10)
	if !slices.Equal(b.log, []string{"k1@9(a=0)"}) || !slices.Equal(c.log, []string{"k1@4(a=0)"}) || !slices.Equal(a.log, []string{"k1@4(a=0)"}) {
		t.Fatalf("a %v b %v c %v; want b at +9ns (override), a and c at +4ns (default)", a.log, b.log, c.log)
	}
}

func TestCutDropsOneWayUntilMend(t *testing.T) {
	w := New(3)
	a, b := &logNode{}, &logNode{}
	ia := w.Add("a", a)
	ib := w.Add("b", b)
	net := w.Network()
	net.Cut(ia, ib)
	w.Send(ia, ib, 1, 1, 0, nil)
	w.Send(ib, ia, 1, 2, 0, nil)
	w.Stabilize(10)
	if len(b.log) != 0 {
		t.Fatalf("a message crossed a cut link: %v", b.log)
	}
	if len(a.log) != 1 {
		t.Fatalf("the reverse direction of a one-way cut dropped a message: %v", a.log)
	}
	net.Mend(ia, ib)
	w.Send(ia, ib, 1, 3, 0, nil)
	w.Stabilize(10)
	if want := []string{"k1@0(a=3)"}; !slices.Equal(b.log, want) {
		t.Fatalf("after Mend b handled %v, want %v", b.log, want)
	}
}

// TestOverlappingCutsHealAtTheLastMend cuts one link twice: the first
// Mend leaves it cut, the second heals it; ClearLink restores the default.
func TestOverlappingCutsHealAtTheLastMend(t *testing.T) {
	w := New(3)
	a, b := &logNode{}, &logNode{}
	ia := w.Add("a", a)
	ib := w.Add("b", b)
	net := w.Network()
	net.Cut(ia, ib)
	net.Cut(ia, ib)
	net.Mend(ia, ib)
	w.Send(ia, ib, 1, 1, 0, nil)
	w.Stabilize(10)
	if len(b.log) != 0 {
		t.Fatalf("a message crossed a link cut twice and mended once: %v", b.log)
	}
	net.Mend(ia, ib)
	net.SetLink(ia, ib, Link{LatencyMin: 7})
	if l := net.Link(ia, ib); l.LatencyMin != 7 {
		t.Fatalf("Link = %+v, want the override", l)
	}
	net.ClearLink(ia, ib)
	w.Send(ia, ib, 1, 2, 0, nil)
	w.Stabilize(10)
	if want := []string{"k1@0(a=2)"}; !slices.Equal(b.log, want) {
		t.Fatalf("after two Mends and ClearLink b handled %v, want %v", b.log, want)
	}
}

func TestLinkLoss(t *testing.T) {
	w := New(3)
	src, dst := &logNode{}, &logNode{}
	is := w.Add("src", src)
	id := w.Add("dst", dst)
	w.Network().SetLink(is, id, Link{Loss: Ratio{1, 1}})
	w.Send(is, id, 1, 0, 0, nil)
	w.Stabilize(10)
	if len(dst.log) != 0 {
		t.Fatal("a link with loss 1/1 delivered a message")
	}
	w.Network().SetLink(is, id, Link{Loss: Ratio{1, 2}})
	for range 2000 {
		w.Send(is, id, 1, 0, 0, nil)
	}
	w.Stabilize(10_000)
	if n := len(dst.log); n < 900 || n > 1100 {
		t.Fatalf("loss 1/2 delivered %d of 2000 messages, want about half", n)
	}
}

func TestLookupAndNames(t *testing.T) {
	w := New(1)
	w.Add("a", &logNode{})
	id := w.Add("b", &logNode{})
	if got, ok := w.Lookup("b"); !ok || got != id || w.Name(id) != "b" || w.Nodes() != 2 {
		t.Fatalf("Lookup(b) = %v, %v; Name = %q; Nodes = %d", got, ok, w.Name(id), w.Nodes())
	}
	if _, ok := w.Lookup("zz"); ok {
		t.Fatal("Lookup found a node that was never added")
	}
}

func TestTimeString(t *testing.T) {
	if got := Time(1500 * time.Microsecond).String(); got != "+1.5ms" {
		t.Fatalf("String = %q, want +1.5ms", got)
	}
	if got := Time(0).Add(2 * time.Second).Duration(); got != 2*time.Second {
		t.Fatalf("Add/Duration = %v, want 2s", got)
	}
}

// TestLinkDrawsIndependentOfOtherNodes: each link has its own stream, so
// adding nodes and traffic elsewhere does not change a link's latencies.
func TestLinkDrawsIndependentOfOtherNodes(t *testing.T) {
	draws := func(extra bool) []Time {
		w := New(9)
		w.Network().Default = Link{LatencyMin: 1, LatencyMax: 1000}
		rec := &arrivals{}
		a := w.Add("a", rec)
		b := w.Add("b", rec)
		if extra {
			c := w.Add("c", rec)
			for i := 0; i < 5; i++ {
				w.Send(a, c, 1, 0, 0, nil)
			}
		}
		for i := 0; i < 5; i++ {
			w.Send(a, b, 2, 0, 0, nil)
		}
		w.Stabilize(100)
		return rec.at[2]
	}
	x, y := draws(false), draws(true)
	if len(x) != 5 || fmt.Sprint(x) != fmt.Sprint(y) {
		t.Fatalf("a->b arrivals changed when c was added: %v vs %v", x, y)
	}
}

type arrivals struct{ at map[uint32][]Time }

func (r *arrivals) Handle(w *World, ev *Event) {
	if r.at == nil {
		r.at = map[uint32][]Time{}
	}
	r.at[ev.Kind] = append(r.at[ev.Kind], w.Now())
}

// TestLimitHaltsEveryLaterRun shows that a tripped limit halts the world
// for good: the run that tripped it and every later Run or Stabilize
// return Halted, and no further event is processed.
func TestLimitHaltsEveryLaterRun(t *testing.T) {
	w := New(1)
	id := w.Add("ticker", &ticker{})
	w.After(id, 1, 1, 0, 0, nil)
	asks := 0
	w.SetLimit(func() string {
		asks++
		if w.Steps() >= 10_000 {
			return "too many steps"
		}
		return ""
	})
	if stop := w.Run(Time(1<<62), 0); stop != Halted {
		t.Fatalf("Run = %v, want Halted", stop)
	}
	steps := w.Steps()
	if steps < 10_000 || steps > 10_000+limitEvery {
		t.Fatalf("halted after %d steps, want between 10000 and %d", steps, 10_000+limitEvery)
	}
	if stop := w.Run(Time(1<<62), 0); stop != Halted {
		t.Fatalf("second Run = %v, want Halted", stop)
	}
	if stop := w.Stabilize(1 << 40); stop != Halted {
		t.Fatalf("Stabilize = %v, want Halted", stop)
	}
	if w.Steps() != steps || w.Halted() != "too many steps" {
		t.Fatalf("steps %d -> %d, halted %q", steps, w.Steps(), w.Halted())
	}
	if asks > int(steps/limitEvery)+2 {
		t.Fatalf("limit asked %d times for %d steps, want about one per %d", asks, steps, limitEvery)
	}
}

// ticker reschedules itself forever.
type ticker struct{}

func (*ticker) Handle(w *World, ev *Event) { w.After(ev.Node, 1, 1, 0, 0, nil) }

// TestLinkStreamSeed checks that a link draws from the stream seeded by
// the world's seed and the FNV-1a hash of its two ends' names with a
// zero byte between them.
func TestLinkStreamSeed(t *testing.T) {
	w := New(42)
	a, b := w.Add("broker", nil), w.Add("ledger-0", nil)
	h := fnv.New64a()
	h.Write([]byte("broker\x00ledger-0"))
	k := h.Sum64()
	want := rand.New(rand.NewPCG(42^k, k^0x9e3779b97f4a7c15))
	got := w.net.link(a, b).rng
	for i := range 5 {
		if g, x := got.Uint64(), want.Uint64(); g != x {
			t.Fatalf("draw %d: %d, want %d", i, g, x)
		}
	}
}

// TestReleasedWorldRunsAsNew checks that a world made from a released
// one, whose queue arrays hold garbage past their lengths, runs a
// workload as a new world does: the same events, the same checksum.
func TestReleasedWorldRunsAsNew(t *testing.T) {
	run := func(w *World) ([]string, uint64) {
		n := &logNode{}
		a := w.Add("a", n)
		b := w.Add("b", n)
		w.Network().Default = Link{LatencyMin: 1, LatencyMax: 50}
		for i := range 200 {
			w.After(a, Time(i%17), 1, int64(i), 0, nil)
			w.Send(a, b, 2, int64(i), 0, i)
		}
		w.Run(1000, 0)
		return n.log, w.Checksum()
	}
	wantLog, wantSum := run(New(9))
	reused := false
	for try := 0; try < 20 && !reused; try++ {
		old := New(3)
		run(old)
		old.Release()
		for i := range old.q.ev[:cap(old.q.ev)] {
			old.q.ev[:cap(old.q.ev)][i] = Event{At: 1 << 40, Seq: 7, Node: 1, Kind: 9, Msg: "garbage"}
		}
		for j := range old.q.b {
			for i := range old.q.b[j][:cap(old.q.b[j])] {
				old.q.b[j][:cap(old.q.b[j])][i] = key{at: 3, idx: 1}
			}
		}
		w := New(9)
		reused = w == old
		gotLog, gotSum := run(w)
		if !slices.Equal(gotLog, wantLog) || gotSum != wantSum {
			t.Fatalf("a world made from a released one ran %d events, checksum %x; a new one %d, %x",
				len(gotLog), gotSum, len(wantLog), wantSum)
		}
	}
	if !reused {
		t.Fatal("New never reused a released world")
	}
}
