package checks_test

import (
	"slices"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Mutation tests of the transaction checks: each runs a fixed twin,
// requires its check to hold, plants one anomaly in the history and
// requires the check to flip to violated.

// addLast appends r to h at the time of h's last record.
func addLast(h *history.History, r history.Entry) {
	r.At = h.At(h.Len() - 1).At
	h.Add(r)
}

// nextMarker returns the kind of the marker that ends the transaction of
// the append at index i ("" if none does).
func nextMarker(h *history.History, i int) history.Kind {
	a := h.At(i)
	for _, m := range h.Range(i+1, h.Len()) {
		if (m.Kind == history.TxnCommit || m.Kind == history.TxnAbort) && m.Topic == a.Topic && m.Partition == a.Partition &&
			m.ProducerID == a.ProducerID && m.Offset > a.Offset {
			return m.Kind
		}
	}
	return ""
}

// TestAbortedReadFlipsOnPlantedRead: read-committed holds; a delivery of
// a record of an aborted transaction planted in its history is an
// aborted read.
func TestAbortedReadFlipsOnPlantedRead(t *testing.T) {
	h := twinHistory(t, "read-committed")
	if res := checks.AbortedRead(h); res.Verdict != checks.Holds {
		t.Fatalf("read-committed: aborted-read %s (%s), want holds", res.Verdict, res.Explanation)
	}
	// the first record whose transaction's next marker is an abort
	var victim *history.Entry
	for i, a := range h.All() {
		if a.Kind == history.Append && a.ProducerID != 0 && victim == nil && nextMarker(h, i) == history.TxnAbort {
			victim = &a
		}
	}
	if victim == nil {
		t.Fatal("read-committed aborted no transaction: nothing to plant")
	}
	addLast(h, history.Entry{Kind: history.Deliver, Node: "ledger-0", Group: "ledger", Topic: victim.Topic,
		Partition: victim.Partition, Offset: victim.Offset, Event: victim.Event, Key: victim.Key, Attempt: 1})
	if res := checks.AbortedRead(h); res.Verdict != checks.Violated {
		t.Fatalf("after planting a read of %s: aborted-read %s (%s), want violated", victim.Event, res.Verdict, res.Explanation)
	}
}

// TestExactlyOnceOutputFlipsOnPlantedRepeat: fenced-producer holds; a
// second committed output of an input (a zombie's transaction that
// committed) planted in its history is a violation.
func TestExactlyOnceOutputFlipsOnPlantedRepeat(t *testing.T) {
	h := twinHistory(t, "fenced-producer")
	if res := checks.ExactlyOnceOutput(h); res.Verdict != checks.Holds {
		t.Fatalf("fenced-producer: exactly-once-output %s (%s), want holds", res.Verdict, res.Explanation)
	}
	var out *history.Entry
	end := map[int]int64{}
	for _, r := range h.All() {
		if r.Topic == "ledger-entries" && (r.Kind == history.Append || r.Kind == history.TxnCommit || r.Kind == history.TxnAbort) {
			end[r.Partition] = max(end[r.Partition], r.Offset+1)
			if r.Kind == history.Append && out == nil {
				out = &r
			}
		}
	}
	if out == nil {
		t.Fatal("fenced-producer wrote no output")
	}
	zombie := *out
	zombie.Offset, zombie.ProducerID, zombie.Epoch = end[out.Partition], 99, 0
	addLast(h, zombie)
	addLast(h, history.Entry{Kind: history.TxnCommit, Node: "enricher-0", TxnID: "zombie", ProducerID: 99,
		Topic: out.Topic, Partition: out.Partition, Offset: zombie.Offset + 1})
	if res := checks.ExactlyOnceOutput(h); res.Verdict != checks.Violated {
		t.Fatalf("after planting a second committed output of %s: exactly-once-output %s (%s), want violated", out.Input, res.Verdict, res.Explanation)
	}
}

// TestExactlyOnceOutputFlipsOnDroppedOutput: fenced-producer holds;
// removing a committed output whose input lies below the loop's
// committed offset loses that input's output.
func TestExactlyOnceOutputFlipsOnDroppedOutput(t *testing.T) {
	h := twinHistory(t, "fenced-producer")
	for i, r := range h.All() {
		if r.Kind == history.Append && r.Input != "" && nextMarker(h, i) == history.TxnCommit {
			h.SetEntries(slices.Delete(h.Entries(), i, i+1))
			break
		}
	}
	if res := checks.ExactlyOnceOutput(h); res.Verdict != checks.Violated {
		t.Fatalf("after dropping an output: exactly-once-output %s (%s), want violated", res.Verdict, res.Explanation)
	}
}

// TestTxnChecksNotApplicableWithoutTransactions: on a twin with no
// transaction, both checks say unknown and why.
func TestTxnChecksNotApplicableWithoutTransactions(t *testing.T) {
	h := twinHistory(t, "idempotent-consumer")
	for _, res := range []checks.Result{checks.AbortedRead(h), checks.ExactlyOnceOutput(h)} {
		if res.Verdict != checks.Unknown || len(res.Explanation) < 16 || res.Explanation[:16] != "Not applicable: " {
			t.Errorf("%s on idempotent-consumer: %s (%s), want unknown, not applicable", res.Check, res.Verdict, res.Explanation)
		}
	}
}
