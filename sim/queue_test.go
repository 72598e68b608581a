package sim

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestQueueMatchesSortedOrder draws pushes and pops (some as drops, the
// way cancelled events leave), the times of the pushes clustered, set
// over and over on a few times far apart, or spread over the whole
// range of time (up to its end), some before the last popped (which
// makes the queue rebuild its buckets), and requires every pop to return
// the least queued event by (At, Seq), as a list kept sorted does, and
// the length to match.
func TestQueueMatchesSortedOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var q queue
		var ref []Event
		var seq uint64
		base := rapid.SampledFrom([]Time{0, 1 << 40, math.MaxInt64 - 1<<12}).Draw(t, "base")
		for range rapid.IntRange(1, 300).Draw(t, "steps") {
			if len(ref) > 0 && rapid.IntRange(0, 2).Draw(t, "pop") == 0 {
				var got Event
				if rapid.Bool().Draw(t, "drop") { // as a cancelled event is
					got = *q.peek()
					q.drop()
				} else {
					got = q.pop()
				}
				want := ref[0]
				ref = ref[1:]
				if got.At != want.At || got.Seq != want.Seq {
					t.Fatalf("pop (%d, %d), want (%d, %d)", got.At, got.Seq, want.At, want.Seq)
				}
			} else {
				var at Time
				switch rapid.IntRange(0, 4).Draw(t, "spread") {
				case 4:
					// a few times set over and over, far apart: keys of
					// one time reach bucket 0 from different buckets
					at = base + 1<<rapid.IntRange(0, 40).Draw(t, "power") - 1
				case 0:
					at = base + Time(rapid.Int64Range(0, 8).Draw(t, "near"))
				case 1:
					at = base + Time(rapid.Int64Range(0, 1<<22).Draw(t, "mid"))
				case 2:
					at = base + Time(rapid.Int64Range(0, 1<<40).Draw(t, "far"))
				default:
					at = Time(rapid.Int64Range(int64(base), math.MaxInt64).Draw(t, "any"))
				}
				if at < base { // past the end of time: times are not negative
					at = math.MaxInt64
				}
				e := Event{At: at, Seq: seq}
				seq++
				q.push(e)
				i, _ := slices.BinarySearchFunc(ref, e, func(a, b Event) int {
					return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.Seq, b.Seq))
				})
				ref = slices.Insert(ref, i, e)
			}
			if q.len() != len(ref) {
				t.Fatalf("len %d, want %d", q.len(), len(ref))
			}
			if len(ref) > 0 {
				if p := q.peek(); p.At != ref[0].At || p.Seq != ref[0].Seq {
					t.Fatalf("peek (%d, %d), want (%d, %d)", p.At, p.Seq, ref[0].At, ref[0].Seq)
				}
			}
		}
	})
}

// TestQueueRebuildsOnceAfterPushIntoEmpty pushes, into an empty queue
// of a world at time 100, timers in descending time, as a handler may:
// the first moves last ahead to its time, the second rebuilds the
// buckets from the time of the latest event taken off, and no later one
// rebuilds them again. The pops come in time order.
func TestQueueRebuildsOnceAfterPushIntoEmpty(t *testing.T) {
	var q queue
	q.push(Event{At: 100, Seq: 0})
	q.pop()
	for i := range 1000 {
		q.push(Event{At: Time(2000 - i), Seq: uint64(i + 1)})
	}
	if q.rebuilds != 1 {
		t.Fatalf("%d rebuilds, want 1", q.rebuilds)
	}
	for want := Time(1001); q.len() > 0; want++ {
		if e := q.pop(); e.At != want {
			t.Fatalf("pop at %d, want %d", e.At, want)
		}
	}
}
