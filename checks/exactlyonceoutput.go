package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// ExactlyOnceOutput checks that a consume-transform-produce loop (a group
// and service whose output Append records name their Input) has, in the
// committed log, exactly one output of each input it consumed: no two
// outputs of one input in committed transactions, and one for every
// input of its subscribed topics below the loop's last committed offset of
// the input's partition (outputs and offsets commit together), leaving
// out inputs of aborted transactions. It is unknown when the history has
// no loop output, or nothing committed to judge.
func ExactlyOnceOutput(h *history.History) Result {
	const name = "exactly-once-output"
	type loop struct{ group, service string }
	// input is an input of the loop order[loop], by symbol.
	type input struct {
		loop  int
		event history.Sym
	}
	txns := transactions(h)
	// The outputs are read in place: a loop by the symbols of its group
	// and service, an input by its symbol, which is its event's.
	loops := map[[2]history.Sym]int{} // index in order
	var order []loop                  // the loops in order of first output
	first := map[input]int{}
	var dups, committed int
	dupA, dupB := -1, -1
	for i, r := range h.Compact(history.Append) {
		in := h.InputOf(r)
		if in == 0 {
			continue
		}
		ls := [2]history.Sym{r.Group, h.Service(r)}
		l, ok := loops[ls]
		if !ok {
			l = len(order)
			loops[ls] = l
			order = append(order, loop{h.Str(ls[0]), h.Str(ls[1])})
		}
		if txns.fate[tpo{tp{h.Str(r.Topic), int(r.Partition)}, r.Offset}] != fateCommitted {
			continue
		}
		committed++
		k := input{l, in}
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
	// Inputs consumed: below each loop's last committed offset. The
	// subscriptions, commits and appends are read in place, by symbol.
	subs := map[loop][]string{} // a loop may read several topics
	type commit struct {
		offset int64
		ok     bool
	}
	last := map[uint64]*partSlots[commit]{} // by symPair(group, topic), then partition
	var commits *partSlots[commit]
	var commitsOf uint64
	for _, r := range h.Compact(history.Subscribe, history.OffsetCommit) {
		switch r.KindCode() {
		case codeSubscribe:
			l := loop{h.Str(r.Group), h.Str(h.Service(r))}
			subs[l] = append(subs[l], h.Str(r.Topic))
		case codeOffsetCommit:
			if k := symPair(r.Group, r.Topic); commits == nil || k != commitsOf {
				if commits = last[k]; commits == nil {
					commits = new(partSlots[commit])
					last[k] = commits
				}
				commitsOf = k
			}
			*commits.slot(r.Partition) = commit{r.Offset, true}
		}
	}
	// loopSym is a loop's group and subscribed topics as symbols (ok:
	// some record names the group).
	type loopSym struct {
		group  history.Sym
		topics symSet
		ok     bool
	}
	syms := make([]loopSym, len(order))
	for n, l := range order {
		g, ok := h.Lookup(l.group)
		syms[n] = loopSym{group: g, ok: ok}
		for _, topic := range subs[l] {
			if t, ok := h.Lookup(topic); ok {
				syms[n].topics.add(t)
			}
		}
	}
	var consumed int
	for i, r := range h.Compact(history.Append) {
		if r.Event == 0 {
			continue
		}
		k := tp{h.Str(r.Topic), int(r.Partition)}
		if txns.fate[tpo{k, r.Offset}] == fateAborted {
			continue
		}
		for n, l := range order {
			ls := &syms[n]
			if !ls.ok || !ls.topics.has(r.Topic) {
				continue
			}
			var c commit
			if cs := last[symPair(ls.group, r.Topic)]; cs != nil {
				c = cs.get(r.Partition)
			}
			if !c.ok || r.Offset >= c.offset {
				continue
			}
			consumed++
			if _, ok := first[input{n, r.Event}]; ok || res.Witness != nil {
				continue
			}
			e := h.At(i)
			res.Verdict = Violated
			res.Witness = pickRecords(h, i)
			res.Explanation = fmt.Sprintf("Loop %s committed its offset past input %s (%s/%d@%d) but no committed transaction holds its output: the input was consumed and its output lost.",
				loopName(history.Entry{Group: l.group, Service: l.service}), e.Event, e.Topic, e.Partition, e.Offset)
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
	a := h.Record(i)
	pid := h.ProducerIDOf(&a)
	for m := i + 1; m < h.Len(); m++ {
		if x := h.Record(m); x.KindCode() == codeTxnCommit && x.Topic == a.Topic && x.Partition == a.Partition &&
			h.ProducerIDOf(&x) == pid && x.Offset > a.Offset {
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
