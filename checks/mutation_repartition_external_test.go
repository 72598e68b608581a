package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// TestKeyOrderCatchesLateOldPartition plants, in the history of
// add-partitions-drain-first (where key-order holds), the anomaly of its
// broken twin: an account's last event published before the topic grew
// is handled only after its first event published after, which the
// grown topic sent to another partition. key-order flips to violated,
// its explanation blames the added partitions, and its witness holds
// the add-partitions record.
func TestKeyOrderCatchesLateOldPartition(t *testing.T) {
	h := twinHistory(t, "add-partitions-drain-first")
	if r := checks.KeyOrder(h); r.Verdict != checks.Holds {
		t.Fatalf("key-order on the fixed twin: %s: %s", r.Verdict, r.Explanation)
	}
	es := h.Entries()
	grow := slices.IndexFunc(es, func(r history.Entry) bool { return r.Kind == history.AddPartitions })
	if grow < 0 {
		t.Fatal("no add-partitions record")
	}
	// For each key, the effect of its last event published before the
	// growth and of its first published after.
	lastBefore, firstAfter := map[string]string{}, map[string]string{}
	for i, r := range es {
		if r.Kind != history.Publish {
			continue
		}
		if i < grow {
			lastBefore[r.Key] = r.Event
		} else if _, ok := firstAfter[r.Key]; !ok {
			firstAfter[r.Key] = r.Event
		}
	}
	effect := func(event string) int {
		return slices.IndexFunc(es, func(r history.Entry) bool { return r.Kind == history.Effect && r.Event == event })
	}
	planted := false
	for i, r := range es {
		if r.Kind != history.Publish || i < grow || firstAfter[r.Key] != r.Event {
			continue
		}
		old, late := effect(lastBefore[r.Key]), effect(r.Event)
		if old < 0 || late < 0 || es[old].Partition == es[late].Partition {
			continue
		}
		moved := es[old]
		moved.At = es[late].At
		es = slices.Insert(es, late+1, moved)
		es = slices.Delete(es, old, old+1)
		planted = true
		break
	}
	if !planted {
		t.Fatal("no key changed partition across the growth")
	}
	m := history.FromEntries(es)
	if err := m.Validate(); err != nil {
		t.Fatalf("the mutant is not a valid history: %v", err)
	}
	r := checks.KeyOrder(m)
	if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, "partitions were added to the topic") {
		t.Fatalf("key-order on the mutant: %s: %s", r.Verdict, r.Explanation)
	}
	if !slices.ContainsFunc(r.Witness, func(e history.Entry) bool { return e.Kind == history.AddPartitions }) {
		t.Fatalf("the witness %v has no add-partitions record", r.Witness)
	}
}

// TestKeyOrderBlamesAddedPartitions: on add-partitions-keyed, key-order
// is violated and says that partitions were added between the two
// publishes, with the add-partitions record in its witness; on
// key-order-round-robin, whose topic never grows, it blames the
// partitioner instead.
func TestKeyOrderBlamesAddedPartitions(t *testing.T) {
	r := checks.KeyOrder(twinHistory(t, "add-partitions-keyed"))
	if r.Verdict != checks.Violated || !strings.Contains(r.Explanation, "partitions were added to the topic (account-events grew to 6 partitions at +1s)") {
		t.Fatalf("add-partitions-keyed: %s: %s", r.Verdict, r.Explanation)
	}
	if !slices.ContainsFunc(r.Witness, func(e history.Entry) bool { return e.Kind == history.AddPartitions }) {
		t.Fatalf("the witness %v has no add-partitions record", r.Witness)
	}
	r = checks.KeyOrder(twinHistory(t, "key-order-round-robin"))
	if r.Verdict != checks.Violated || strings.Contains(r.Explanation, "partitions were added") || !strings.Contains(r.Explanation, "the partitioner spread one key") {
		t.Fatalf("key-order-round-robin: %s: %s", r.Verdict, r.Explanation)
	}
}
