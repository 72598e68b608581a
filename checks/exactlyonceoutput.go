package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// ExactlyOnceOutput checks that a consume-transform-produce loop (a group
// and service whose output Append records name their Input) has, in the
// committed log, exactly one output of each input it consumed: no two
// outputs of one input in committed transactions, and one for every
// input of its subscribed topic below the loop's last committed offset of
// the input's partition (outputs and offsets commit together), leaving
// out inputs of aborted transactions. It is unknown when the history has
// no loop output, or nothing committed to judge.
func ExactlyOnceOutput(h *history.History) Result {
	const name = "exactly-once-output"
	type loop struct{ group, service string }
	type input struct {
		loop
		event string
	}
	txns := transactions(h)
	loops := map[loop]bool{}
	var order []loop // the loops in order of first output
	first := map[input]int{}
	var dups, committed int
	dupA, dupB := -1, -1
	for i, r := range h.OfKind(history.Append) {
		if r.Input == "" {
			continue
		}
		l := loop{r.Group, r.Service}
		if !loops[l] {
			loops[l] = true
			order = append(order, l)
		}
		if txns.fate[tpo{tp{r.Topic, r.Partition}, r.Offset}] != fateCommitted {
			continue
		}
		committed++
		k := input{l, r.Input}
		j, ok := first[k]
		if !ok {
			first[k] = i
			continue
		}
		dups++
		if dupA < 0 {
			dupA, dupB = j, i
		}
	}
	if len(loops) == 0 {
		return notApplicable(name, "no consume-transform-produce loop wrote an output (no append names an input).")
	}
	res := Result{Check: name}
	if dups > 0 {
		a, b := h.At(dupA), h.At(dupB)
		res.Verdict = Violated
		res.Witness = pickRecords(h, dupA, dupB, commitOf(h, dupA), commitOf(h, dupB))
		res.Explanation = fmt.Sprintf("Loop %s wrote the output of input %s twice in committed transactions: at %s/%d@%d (producer %d, epoch %d) and at %s/%d@%d (producer %d, epoch %d). Two instances processed the same input and both committed: the older one was not fenced. %s in all.",
			loopName(a), a.Input, a.Topic, a.Partition, a.Offset, a.ProducerID, a.Epoch, b.Topic, b.Partition, b.Offset, b.ProducerID, b.Epoch,
			plural(dups, "repeated output", "repeated outputs"))
		return res
	}
	// Inputs consumed: below each loop's last committed offset.
	subs := map[loop]string{}
	last := map[gtp]int64{}
	for _, r := range h.OfKind(history.Subscribe, history.OffsetCommit) {
		switch r.Kind {
		case history.Subscribe:
			subs[loop{r.Group, r.Service}] = r.Topic
		case history.OffsetCommit:
			last[gtp{r.Group, tp{r.Topic, r.Partition}}] = r.Offset
		}
	}
	var consumed int
	for i, r := range h.OfKind(history.Append) {
		if r.Event == "" {
			continue
		}
		k := tp{r.Topic, r.Partition}
		if txns.fate[tpo{k, r.Offset}] == fateAborted {
			continue
		}
		for _, l := range order {
			if subs[l] != r.Topic {
				continue
			}
			if c, ok := last[gtp{l.group, k}]; !ok || r.Offset >= c {
				continue
			}
			consumed++
			if _, ok := first[input{l, r.Event}]; ok || res.Witness != nil {
				continue
			}
			res.Verdict = Violated
			res.Witness = pickRecords(h, i)
			res.Explanation = fmt.Sprintf("Loop %s committed its offset past input %s (%s/%d@%d) but no committed transaction holds its output: the input was consumed and its output lost.",
				loopName(history.Entry{Group: l.group, Service: l.service}), r.Event, r.Topic, r.Partition, r.Offset)
		}
	}
	if res.Verdict == Violated {
		return res
	}
	if committed == 0 && consumed == 0 {
		return notApplicable(name, "no loop committed an output or consumed an input (no offset committed past one).")
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %s consumed by a loop has its output in the committed log once (%s committed).",
		plural(consumed, "input", "inputs"), plural(committed, "output", "outputs"))
	return res
}

// commitOf returns the index of the commit marker that committed the
// record appended at index i, or -1.
func commitOf(h *history.History, i int) int {
	a := h.At(i)
	for m := i + 1; m < h.Len(); m++ {
		if x := h.At(m); x.Kind == history.TxnCommit && x.Topic == a.Topic && x.Partition == a.Partition &&
			x.ProducerID == a.ProducerID && x.Offset > a.Offset {
			return m
		}
	}
	return -1
}

// loopName names a loop by its group and service.
func loopName(r history.Entry) string {
	if r.Service == "" || r.Service == r.Group {
		return r.Group
	}
	return r.Service + " of group " + r.Group
}
