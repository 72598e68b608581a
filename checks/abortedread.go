package checks

import (
	"fmt"
	"strings"

	"github.com/evsim/evsim/model/history"
)

// AbortedRead checks that no consumer or projection read a record of an
// aborted transaction (Jepsen's G1a, aborted read): a delivery, an effect
// or a projection's apply of such a record is a violation, whether the
// reader saw it before or after the abort. It is unknown, saying why,
// when the history has no transaction or no aborted one. The witness is
// the record's append, the first read of it and its abort marker.
func AbortedRead(h *history.History) Result {
	const name = "aborted-read"
	txns := transactions(h)
	if !txns.seen {
		return notApplicable(name, "no transaction in the history (no txn-init, txn-begin, txn-commit or txn-abort record).")
	}
	if txns.aborted == 0 {
		return notApplicable(name, "no transaction wrote a record and then aborted: there is no aborted record to read.")
	}
	res := Result{Check: name}
	var reads int
	readers := map[string]bool{}
	var names []string
	// The reads are compared in place: only those of a partition that
	// holds an aborted record are looked up by offset.
	var abortedIn map[uint64]bool
	for o, f := range txns.fate {
		if f != fateAborted {
			continue
		}
		if t, ok := h.Lookup(o.topic); ok {
			if abortedIn == nil {
				abortedIn = map[uint64]bool{}
			}
			abortedIn[partKey(t, int32(o.partition))] = true
		}
	}
	for i, c := range h.Compact(history.Deliver, history.Effect, history.ProjectionApply) {
		if c.Topic == 0 || !abortedIn[partKey(c.Topic, c.Partition)] {
			continue
		}
		o := tpo{tp{h.Str(c.Topic), int(c.Partition)}, c.Offset}
		if txns.fate[o] != fateAborted {
			continue
		}
		reads++
		if g := h.Str(c.Group); !readers[g] {
			readers[g] = true
			names = append(names, g)
		}
		if res.Witness != nil {
			continue
		}
		r := h.At(i)
		app := txns.appended[o]
		ar := h.Record(app)
		pid := h.ProducerIDOf(&ar)
		mark := -1
		for m := app + 1; m < h.Len(); m++ {
			if x := h.Record(m); x.KindCode() == codeTxnAbort && x.Topic == c.Topic && x.Partition == c.Partition &&
				h.ProducerIDOf(&x) == pid && x.Offset > ar.Offset {
				mark = m
				break
			}
		}
		res.Witness = pickRecords(h, app, i, mark)
		res.Explanation = fmt.Sprintf("%s read %s/%d@%d (%s), a record of transaction %s that aborted (at %s): an aborted read (G1a). A read-uncommitted consumer (Kafka's default isolation.level) sees every record up to the log end, aborted ones included; one with isolation read-committed reads only below the last stable offset and skips aborted records.",
			readerName(r), r.Topic, r.Partition, r.Offset, r.Event, txnName(h, mark), whenAt(h, mark))
	}
	if reads > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s of aborted records in all, by %s.", plural(reads, "read", "reads"), strings.Join(names, ", "))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("No consumer or projection read any of the %s of aborted transactions.", plural(txns.aborted, "record", "records"))
	return res
}

// readerName says who read r: a group member or a projector.
func readerName(r history.Entry) string {
	if r.Kind == history.ProjectionApply {
		return fmt.Sprintf("projector %s of read model %s", r.Node, r.Group)
	}
	return fmt.Sprintf("%s of group %s", r.Node, r.Group)
}

// txnName names the transaction of marker record i, if any.
func txnName(h *history.History, i int) string {
	if i < 0 {
		return "(unnamed)"
	}
	r := h.At(i)
	return fmt.Sprintf("%s (producer %d, epoch %d)", r.TxnID, r.ProducerID, r.Epoch)
}

// whenAt gives the time of record i, if any.
func whenAt(h *history.History, i int) string {
	if i < 0 {
		return "an unknown time"
	}
	return at(h.At(i).At)
}
