package sim

import (
	"fmt"
	"slices"
	"testing"
)

// TestRunWithPastBoundNeverRewindsClock shows that a Run whose time bound
// lies before now leaves the clock where it is: simulated time never goes
// backwards, so nothing scheduled afterwards lands before events already
// processed.
func TestRunWithPastBoundNeverRewindsClock(t *testing.T) {
	w := New(1)
	n := &logNode{}
	id := w.Add("n", n)
	w.After(id, 10, 1, 1, 0, nil)
	w.After(id, 50, 1, 2, 0, nil)
	w.Run(20, 0)
	if w.Now() != 20 {
		t.Fatalf("Now after Run(20) = %v, want +20ns", w.Now())
	}
	if got := w.Run(5, 0); got != ReachedTime {
		t.Fatalf("Run(5) = %v, want %v", got, ReachedTime)
	}
	if w.Now() != 20 {
		t.Fatalf("Now after Run(5) at +20ns = %v: the clock went backwards", w.Now())
	}
	w.After(id, 1, 1, 3, 0, nil) // at 21, not 6
	w.Stabilize(100)
	want := []string{"k1@10(a=1)", "k1@21(a=3)", "k1@50(a=2)"}
	if !slices.Equal(n.log, want) {
		t.Fatalf("handled %v, want %v", n.log, want)
	}
}

// TestFIFOLinkForgetsOrderAcrossRestart shows that a FIFO link is one TCP
// connection per pair of incarnations: a crash of either end resets it,
// so a message sent after the restart is not held up behind one that the
// crash lost (it arrives after its own latency).
func TestFIFOLinkForgetsOrderAcrossRestart(t *testing.T) {
	for _, crashed := range []string{"receiver", "sender"} {
		t.Run(crashed, func(t *testing.T) {
			w := New(1)
			src, dst := &logNode{}, &logNode{}
			is := w.Add("src", src)
			id := w.Add("dst", dst)
			w.Network().SetLink(is, id, Link{LatencyMin: 100, LatencyMax: 100, FIFO: true})
			w.Send(is, id, 1, 1, 0, nil) // arrives at 100 unless dst crashes
			w.Run(2, 0)
			target := id
			if crashed == "sender" {
				target = is
			}
			w.Crash(target, "boom", 3)
			w.Run(6, 0)
			// A slower message first, then the link's latency drops: on a
			// fresh connection the second one is not held behind anything.
			w.Network().SetLink(is, id, Link{LatencyMin: 10, LatencyMax: 10, FIFO: true})
			sent := w.Now()
			w.Send(is, id, 1, 2, 0, nil)
			w.Stabilize(100)
			want := fmt.Sprintf("k1@%d(a=2)", sent+10)
			if !slices.Contains(dst.log, want) {
				t.Fatalf("dst handled %v, want %s: the message waited for one sent before the %s crashed", dst.log, want, crashed)
			}
		})
	}
}

// TestFIFOLinkKeepsOrderWithoutRestart is the twin: with both ends up, a
// message never overtakes an earlier one, even when the latency drops.
func TestFIFOLinkKeepsOrderWithoutRestart(t *testing.T) {
	w := New(1)
	src, dst := &logNode{}, &logNode{}
	is := w.Add("src", src)
	id := w.Add("dst", dst)
	w.Network().SetLink(is, id, Link{LatencyMin: 100, LatencyMax: 100, FIFO: true})
	w.Send(is, id, 1, 1, 0, nil)
	w.Run(6, 0)
	w.Network().SetLink(is, id, Link{LatencyMin: 10, LatencyMax: 10, FIFO: true})
	w.Send(is, id, 1, 2, 0, nil)
	w.Stabilize(100)
	want := []string{"k1@100(a=1)", "k1@100(a=2)"}
	if !slices.Equal(dst.log, want) {
		t.Fatalf("dst handled %v, want %v", dst.log, want)
	}
}
