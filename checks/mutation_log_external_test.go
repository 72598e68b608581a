package checks_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Mutation tests of the log checks: run a fixed twin, plant one anomaly
// in its history, and require the check that names it to flip from holds
// to violated.

// flipsCheck requires check to hold on the twin's history h and to be violated
// once mutate has planted its anomaly in a copy.
func flipsCheck(t *testing.T, twin, check string, mutate func(h *history.History) bool) {
	t.Helper()
	h := twinHistory(t, twin)
	c, err := checks.Lookup(check)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Run(h); r.Verdict != checks.Holds {
		t.Fatalf("%s on the fixed twin %s: %s: %s", check, twin, r.Verdict, r.Explanation)
	}
	m := history.FromEntries(h.Entries())
	if !mutate(m) {
		t.Fatalf("%s: found no place to plant the anomaly", twin)
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("the mutant is not a valid history: %v", err)
	}
	r := c.Run(m)
	if r.Verdict != checks.Violated || len(r.Witness) == 0 {
		t.Fatalf("%s on the mutant of %s: %s: %s", check, twin, r.Verdict, r.Explanation)
	}
	t.Logf("%s: %s", check, r.Explanation)
}

// insert puts r into h at index i.
func insert(h *history.History, i int, r history.Entry) {
	h.SetEntries(slices.Insert(h.Entries(), i, r))
}

type consumerKey struct {
	node       string
	generation int
	topic      string
	partition  int
}

// pollsWithPredecessor returns the indexes of polls that read something
// and follow another poll of the same member, generation and partition
// with no crash in between, with the index of that predecessor.
func pollsWithPredecessor(h *history.History) [][2]int {
	last := map[consumerKey]int{}
	var out [][2]int
	for i, r := range h.All() {
		if r.Kind == history.Crash {
			for k := range last {
				if k.node == r.Node {
					delete(last, k)
				}
			}
		}
		if r.Kind != history.Poll || r.Count == 0 {
			continue
		}
		k := consumerKey{r.Node, r.Generation, r.Topic, r.Partition}
		if j, ok := last[k]; ok {
			out = append(out, [2]int{j, i})
		}
		last[k] = i
	}
	return out
}

func TestMutationShiftAPollForward(t *testing.T) {
	flipsCheck(t, "retention-covers-lag", "poll-skip", func(h *history.History) bool {
		for _, p := range pollsWithPredecessor(h) {
			prev, cur := h.At(p[0]), h.At(p[1])
			if cur.Offset == prev.Offset+int64(prev.Count) && cur.Count > 1 {
				cur.Offset++ // the poll starts one record later: it skips one
				cur.Count--
				h.Set(p[1], cur)
				return true
			}
		}
		return false
	})
}

func TestMutationShiftAPollBack(t *testing.T) {
	flipsCheck(t, "graceful-rebalance", "nonmonotonic-poll", func(h *history.History) bool {
		for _, p := range pollsWithPredecessor(h) {
			if cur := h.At(p[1]); cur.Offset > 0 {
				cur.Offset-- // the poll starts one record earlier: it reads one again
				cur.Count++
				h.Set(p[1], cur)
				return true
			}
		}
		return false
	})
}

func TestMutationRereadAPoll(t *testing.T) {
	flipsCheck(t, "graceful-rebalance", "group-reread", func(h *history.History) bool {
		for i, r := range h.All() {
			if r.Kind == history.Poll && r.Count > 0 {
				insert(h, i+1, r) // the group reads the same records again
				return true
			}
		}
		return false
	})
}

func TestMutationDropTheReadOfAnOffset(t *testing.T) {
	flipsCheck(t, "retention-covers-lag", "lost-write", func(h *history.History) bool {
		// An acknowledged offset in the middle of a partition.
		var topic string
		var part int
		var off int64 = -1
		for _, r := range h.All() {
			if r.Kind == history.PublishAck && r.Offset >= 5 {
				topic, part, off = r.Topic, r.Partition, r.Offset
				break
			}
		}
		if off < 0 {
			return false
		}
		// Remove every read of it: its deliveries, and it from each poll.
		var out []history.Entry
		for _, r := range h.All() {
			if r.Topic != topic || r.Partition != part {
				out = append(out, r)
				continue
			}
			switch {
			case r.Kind == history.Deliver && r.Offset == off:
				continue
			case r.Kind == history.Poll && off >= r.Offset && off < r.Offset+int64(r.Count):
				before, after := r, r
				before.Count = int(off - r.Offset)
				after.Offset, after.Count = off+1, int(r.Offset+int64(r.Count)-off-1)
				for _, x := range []history.Entry{before, after} {
					if x.Count > 0 {
						out = append(out, x)
					}
				}
				continue
			}
			out = append(out, r)
		}
		h.SetEntries(out)
		return true
	})
}

func TestMutationGiveTwoEventsOneOffset(t *testing.T) {
	flipsCheck(t, "idempotent-producer-order", "inconsistent-offsets", func(h *history.History) bool {
		var first *history.Entry
		for i, r := range h.All() {
			if r.Kind != history.PublishAck {
				continue
			}
			if first == nil {
				first = &r
				continue
			}
			if r.Topic == first.Topic && r.Partition == first.Partition {
				r.Offset = first.Offset // acknowledged at the first one's offset
				h.Set(i, r)
				return true
			}
		}
		return false
	})
}

func TestMutationAppendAnEventTwice(t *testing.T) {
	flipsCheck(t, "idempotent-producer", "log-duplicates", func(h *history.History) bool {
		// The broker appends the first event again at the end of its
		// partition, with no new send.
		var first int = -1
		var end int64
		for i, r := range h.All() {
			if r.Kind != history.Append {
				continue
			}
			if first < 0 {
				first = i
			}
			if r.Topic == h.At(first).Topic && r.Partition == h.At(first).Partition {
				end = max(end, r.Offset+1)
			}
		}
		if first < 0 {
			return false
		}
		again := h.At(first)
		again.Offset, again.At = end, h.At(h.Len()-1).At
		h.SetEntries(append(h.Entries(), again))
		return true
	})
}

func TestMutationSwapTwoPublishes(t *testing.T) {
	flipsCheck(t, "idempotent-producer-order", "nonmonotonic-send", func(h *history.History) bool {
		part := map[string]string{} // event -> topic/partition of its ack
		ackAt := map[string]int{}   // event -> index of its ack
		for i, r := range h.All() {
			if r.Kind == history.PublishAck {
				part[r.Event] = r.Topic + "/" + strconv.Itoa(r.Partition)
				ackAt[r.Event] = i
			}
		}
		prev := map[string]int{} // producer and partition -> index of its last publish
		for i, r := range h.All() {
			if r.Kind != history.Publish || part[r.Event] == "" {
				continue
			}
			k := r.Node + " " + part[r.Event]
			if j, ok := prev[k]; ok && ackAt[h.At(j).Event] > i {
				// Two sends in flight at once: swap their publishes,
				// keeping the times in place.
				a, b := h.At(j), h.At(i)
				a.At, b.At = b.At, a.At
				h.Set(j, b)
				h.Set(i, a)
				return true
			}
			prev[k] = i
		}
		return false
	})
}

func TestMutationSwapTwoEffectsOfAKey(t *testing.T) {
	flipsCheck(t, "key-order-by-key", "key-order", func(h *history.History) bool {
		last := map[string]int{} // group and key -> index of its last effect
		for i, r := range h.All() {
			if r.Kind != history.Effect {
				continue
			}
			k := r.Group + " " + r.Key
			if j, ok := last[k]; ok && h.At(j).Event != r.Event {
				a, b := h.At(j), h.At(i)
				a.At, b.At = b.At, a.At
				h.Set(j, b)
				h.Set(i, a)
				return true
			}
			last[k] = i
		}
		return false
	})
}

func TestMutationAddAWriter(t *testing.T) {
	flipsCheck(t, "fenced-consumer", "single-writer", func(h *history.History) bool {
		// Who is assigned what in each generation.
		owns := map[int]map[string][]string{}
		for _, r := range h.All() {
			if r.Kind == history.Assign {
				if owns[r.Generation] == nil {
					owns[r.Generation] = map[string][]string{}
				}
				owns[r.Generation][r.Node] = strings.Split(r.Partitions, ",")
			}
		}
		for i, r := range h.All() {
			if r.Kind != history.Effect || r.Generation == 0 {
				continue
			}
			nodes := slices.Sorted(maps.Keys(owns[r.Generation]))
			for _, node := range nodes {
				if node != r.Node && !slices.Contains(owns[r.Generation][node], strconv.Itoa(r.Partition)) {
					other := r
					other.Node = node // a member not assigned the partition writes it too
					insert(h, i+1, other)
					return true
				}
			}
		}
		return false
	})
}
