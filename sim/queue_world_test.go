package sim

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// refEvent is an event of refWorld, the reference the world's queue is
// held to.
type refEvent struct {
	at        Time
	seq       uint64
	node      NodeID
	kind      uint32
	a         int64
	inc       uint32
	unhandled bool // processed without a handler: a restart, a timer of a node down
}

// refWorld is a reference kernel: its pending events in a list kept
// sorted by (At, Seq), nodes as incarnations and up flags, and the same
// rules as the world: a stale incarnation drops an event uncounted, a
// restart brings its node up, a timer of a node down is counted and not
// handled.
type refWorld struct {
	pending []refEvent
	seq     uint64
	inc     []uint32
	up      []bool
	steps   uint64
}

func (r *refWorld) schedule(at Time, node NodeID, kind uint32, a int64, inc uint32) {
	e := refEvent{at: at, seq: r.seq, node: node, kind: kind, a: a, inc: inc}
	r.seq++
	i, _ := slices.BinarySearchFunc(r.pending, e, func(x, y refEvent) int {
		return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.seq, y.seq))
	})
	r.pending = slices.Insert(r.pending, i, e)
}

// next processes the next event that the world would count, and returns
// it; ok is false when none is left.
func (r *refWorld) next() (e refEvent, ok bool) {
	for len(r.pending) > 0 {
		e, r.pending = r.pending[0], r.pending[1:]
		if e.inc != r.inc[e.node] {
			continue
		}
		r.steps++
		switch {
		case e.kind == kindRestart:
			r.up[e.node] = true
			r.inc[e.node]++
			e.unhandled = true
		case !r.up[e.node]:
			e.unhandled = true
		}
		return e, true
	}
	return e, false
}

// head returns the time of the next event the world would count.
func (r *refWorld) head() (Time, bool) {
	for _, e := range r.pending {
		if e.inc == r.inc[e.node] {
			return e.at, true
		}
	}
	return 0, false
}

// TestWorldOrderMatchesReference runs nodes whose handlers set timers
// (clustered, spread, or far ahead), send messages and crash nodes, with
// or without a restart, by Step and by Run with time bounds (which leave
// the world short of an event it looked at, before timers set from
// outside), and requires the world to process exactly the events of a
// reference kernel whose queue is a sorted list, in its order, with the
// same step count and clock.
func TestWorldOrderMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const nodes = 3
		w := New(1)
		r := &refWorld{inc: make([]uint32, nodes), up: make([]bool, nodes)}
		var payload int64
		delay := func(label string) Time {
			switch rapid.IntRange(0, 3).Draw(t, label+"-spread") {
			case 0:
				return Time(rapid.Int64Range(0, 3).Draw(t, label+"-now"))
			case 1:
				return Time(rapid.Int64Range(0, 1<<12).Draw(t, label+"-soon"))
			case 2:
				return Time(rapid.Int64Range(0, 1<<30).Draw(t, label+"-late"))
			default:
				return Time(rapid.Int64Range(0, math.MaxInt64/4).Draw(t, label+"-far"))
			}
		}
		after := func(node NodeID, label string) {
			d := delay(label)
			payload++
			w.After(node, d, 1, payload, 0, nil)
			r.schedule(w.Now()+d, node, 1, payload, r.inc[node])
		}
		var handled int
		for i := range nodes {
			n := &logNode{}
			id := w.Add("n", n)
			r.up[id] = true
			n.onHandle = func(w *World, ev *Event) {
				var want refEvent
				for { // the restarts and timers of nodes down before it
					e, ok := r.next()
					if !ok {
						t.Fatalf("handled (%d, node %d, a %d), the reference has none left", ev.At, ev.Node, ev.A)
					}
					if !e.unhandled {
						want = e
						break
					}
				}
				if ev.At != want.at || ev.Node != want.node || ev.A != want.a || w.Now() != want.at || w.Steps() != r.steps {
					t.Fatalf("handled (%d, node %d, a %d) at step %d, want (%d, node %d, a %d) at step %d",
						ev.At, ev.Node, ev.A, w.Steps(), want.at, want.node, want.a, r.steps)
				}
				handled++
				for range rapid.IntRange(0, 2).Draw(t, "timers") {
					after(NodeID(rapid.IntRange(0, nodes-1).Draw(t, "to")), "timer")
				}
				if rapid.IntRange(0, 9).Draw(t, "crash") == 0 {
					c := NodeID(rapid.IntRange(0, nodes-1).Draw(t, "crashed"))
					restart := Time(rapid.Int64Range(-1, 1<<12).Draw(t, "restart"))
					if r.up[c] {
						r.up[c] = false
						r.inc[c]++
						if restart >= 0 {
							r.schedule(w.Now()+restart, c, kindRestart, 0, r.inc[c])
						}
					}
					w.Crash(c, "p", restart)
				}
			}
			after(NodeID(i), "seed")
		}
		for range rapid.IntRange(1, 60).Draw(t, "rounds") {
			until, stop := Time(0), Drained
			if rapid.Bool().Draw(t, "step") {
				w.Step()
			} else {
				until = w.Now() + delay("until")
				stop = w.Run(until, 0)
			}
			for r.steps < w.Steps() { // the restarts and timers of nodes down since
				if e, _ := r.next(); !e.unhandled {
					t.Fatalf("the world did not handle (%d, node %d, a %d)", e.at, e.node, e.a)
				}
			}
			if at, ok := r.head(); stop == ReachedTime && (w.Now() != until || ok && at <= until) {
				t.Fatalf("the world stopped at %d, bound %d, before an event at %d", w.Now(), until, at)
			}
			if rapid.IntRange(0, 3).Draw(t, "outside") == 0 {
				after(NodeID(rapid.IntRange(0, nodes-1).Draw(t, "to")), "outside")
			}
		}
		w.Stabilize(math.MaxUint64)
		for {
			e, ok := r.next()
			if !ok {
				break
			}
			if !e.unhandled {
				t.Fatalf("the world drained before (%d, node %d, a %d)", e.at, e.node, e.a)
			}
		}
		if w.Steps() != r.steps || w.Pending() != 0 {
			t.Fatalf("steps %d, want %d; %d pending", w.Steps(), r.steps, w.Pending())
		}
		if handled == 0 {
			t.Fatalf("nothing handled")
		}
	})
}
