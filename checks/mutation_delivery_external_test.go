package checks_test

import (
	"slices"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Mutation tests of the delivery checks: run a fixed twin at its pinned
// seed, require the check to hold, plant one anomaly in a copy of its
// history and require the check to flip to violated.

// mutant is one planted anomaly: mutate returns the mutated copy, or nil
// when the history offers no place to plant it.
type mutant struct {
	name   string
	check  func(*history.History) checks.Result
	mutate func(h *history.History) *history.History
}

func flips(t *testing.T, twin string, ms ...mutant) {
	t.Helper()
	h := twinHistory(t, twin)
	for _, m := range ms {
		t.Run(m.name, func(t *testing.T) {
			if r := m.check(h); r.Verdict != checks.Holds {
				t.Fatalf("%s on %s before the mutation: %s: %s", r.Check, twin, r.Verdict, r.Explanation)
			}
			mh := m.mutate(history.FromEntries(h.Entries()))
			if mh == nil {
				t.Fatalf("%s: nowhere to plant %s", twin, m.name)
			}
			r := m.check(mh)
			if r.Verdict != checks.Violated || len(r.Witness) == 0 {
				t.Fatalf("%s on %s after %s: %s: %s", r.Check, twin, m.name, r.Verdict, r.Explanation)
			}
			t.Logf("%s: %s", m.name, r.Explanation)
		})
	}
}

// remove returns h without the records for which drop is true.
func remove(h *history.History, drop func(i int, r history.Entry) bool) *history.History {
	out := &history.History{}
	for i, r := range h.All() {
		if !drop(i, r) {
			out.Add(r)
		}
	}
	return out
}

// find returns the index of the first record for which ok is true, or -1.
func find(h *history.History, ok func(i int, r history.Entry) bool) int {
	for i, r := range h.All() {
		if ok(i, r) {
			return i
		}
	}
	return -1
}

// dedupedEffect returns the index of the first effect whose event is
// later skipped by a dedup of the same group and service, or -1.
func dedupedEffect(h *history.History) int {
	return find(h, func(i int, r history.Entry) bool {
		return r.Kind == history.Effect && find(h, func(j int, d history.Entry) bool {
			return j > i && d.Kind == history.Dedup && d.Group == r.Group && d.Service == r.Service && d.Event == r.Event
		}) >= 0
	})
}

// dropEffect drops the first effect (or, with deduped, the first effect
// later skipped by a dedup, which then skips an event never applied).
func dropEffect(deduped bool) func(h *history.History) *history.History {
	return func(h *history.History) *history.History {
		i := find(h, func(_ int, r history.Entry) bool { return r.Kind == history.Effect })
		if deduped {
			i = dedupedEffect(h)
		}
		if i < 0 {
			return nil
		}
		return remove(h, func(j int, _ history.Entry) bool { return j == i })
	}
}

// repeatEffect applies the first effect again at the end of the run,
// moving its key's state by its amount when moved is set.
func repeatEffect(moved bool) func(h *history.History) *history.History {
	return func(h *history.History) *history.History {
		i := find(h, func(_ int, r history.Entry) bool { return r.Kind == history.Effect })
		if i < 0 {
			return nil
		}
		r := h.At(i)
		var state int64
		for _, q := range h.All() {
			if q.Kind == history.Effect && q.Group == r.Group && q.Service == r.Service && q.Key == r.Key {
				state = q.Value
			}
		}
		r.Value = state
		if moved {
			r.Value += r.Amount
		}
		end := h.Len() - 1
		r.At = h.At(end).At
		h.SetEntries(slices.Insert(h.Entries(), end, r))
		return h
	}
}

// unread drops every poll and delivery that read the first acknowledged
// event's offset, and every effect of it (it was never read).
func unread(h *history.History) *history.History {
	i := find(h, func(_ int, r history.Entry) bool { return r.Kind == history.PublishAck })
	if i < 0 {
		return nil
	}
	a := h.At(i)
	return remove(h, func(_ int, r history.Entry) bool {
		if r.Topic != a.Topic || r.Partition != a.Partition {
			return false
		}
		switch r.Kind {
		case history.Poll:
			return r.Offset <= a.Offset && a.Offset < r.Offset+int64(r.Count)
		case history.Deliver, history.Effect, history.Dedup:
			return r.Offset == a.Offset
		}
		return false
	})
}

// stalled makes the run end undrained with the last offset commit of one
// partition undone: the group never committed the end of that partition.
func stalled(h *history.History) *history.History {
	i := -1
	for j, r := range h.All() {
		if r.Kind == history.OffsetCommit {
			i = j
		}
	}
	if i < 0 {
		return nil
	}
	c := h.At(i)
	h = remove(h, func(j int, r history.Entry) bool {
		return r.Kind == history.OffsetCommit && r.Group == c.Group && r.Topic == c.Topic && r.Partition == c.Partition && r.Offset == c.Offset
	})
	for j := range h.All() {
		if h.At(j).Kind == history.End {
			{
				e := h.At(j)
				e.Drained = false
				h.Set(j, e)
			}
		}
	}
	return h
}

func TestMutationsIdempotentConsumer(t *testing.T) {
	flips(t, "idempotent-consumer",
		mutant{"drop an effect", checks.NoLoss, dropEffect(false)},
		mutant{"drop an effect a dedup relied on", checks.NoLoss, dropEffect(true)},
		mutant{"repeat an effect", checks.ExactlyOnceEffects, repeatEffect(false)},
		mutant{"repeat an effect that moves the state", checks.DuplicateDeliveryInvariance, repeatEffect(true)},
	)
}

func TestMutationsFanOut(t *testing.T) {
	flips(t, "fan-out",
		mutant{"drop an effect", checks.NoLoss, dropEffect(false)},
		mutant{"repeat an effect", checks.ExactlyOnceEffects, repeatEffect(false)},
	)
}

func TestMutationsDedupMarkWithEffect(t *testing.T) {
	flips(t, "dedup-mark-with-effect",
		// the id marked and the effect lost: a dedup where the effect was
		mutant{"skip an event instead of applying it", checks.NoLoss, func(h *history.History) *history.History {
			i := find(h, func(_ int, r history.Entry) bool { return r.Kind == history.Effect })
			if i < 0 {
				return nil
			}
			{
				e := h.At(i)
				e.Kind = history.Dedup
				h.Set(i, e)
			}
			return h
		}},
		mutant{"repeat an effect", checks.ExactlyOnceEffects, repeatEffect(false)},
	)
}

func TestMutationsPoisonDeadLetter(t *testing.T) {
	flips(t, "poison-dead-letter",
		mutant{"drop a dead letter", checks.NoLoss, func(h *history.History) *history.History {
			i := find(h, func(_ int, r history.Entry) bool { return r.Kind == history.DeadLetter })
			if i < 0 {
				return nil
			}
			return remove(h, func(j int, _ history.Entry) bool { return j == i })
		}},
		mutant{"leave a partition behind", checks.BoundedLag, stalled},
		mutant{"never read an event", checks.Unseen, unread},
	)
}

func TestMutationsRetentionCoversLag(t *testing.T) {
	flips(t, "retention-covers-lag",
		mutant{"never read an event", checks.Unseen, unread},
		mutant{"drop an effect", checks.NoLoss, dropEffect(false)},
	)
}
