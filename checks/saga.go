package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// sagaKey names one saga: its correlation id within a group.
type sagaKey struct{ group, key string }

// sagaLog gathers the saga records of a history, by saga, in the order
// each saga first appears. Its maps are keyed by the saga's id, the
// symPair of its group and correlation id.
type sagaLog struct {
	order     []sagaKey
	ids       []uint64         // the id of each saga of order
	starts    map[uint64][]int // indices of SagaStart records
	completed map[uint64]int   // first SagaCompleted
	comp      map[uint64]int   // first SagaCompensated
	last      map[uint64]int   // last write: SagaStart or SagaTransition (none: a saga that logs only its end)
	lastEnd   map[uint64]int   // last SagaCompleted or SagaCompensated
	conflicts int
	end       int // the End record, or -1
}

// readSagas reads the saga records of h in place.
func readSagas(h *history.History) *sagaLog {
	l := &sagaLog{starts: map[uint64][]int{}, completed: map[uint64]int{}, comp: map[uint64]int{},
		last: map[uint64]int{}, lastEnd: map[uint64]int{}, end: -1}
	seen := map[uint64]bool{}
	for i, r := range h.Compact(history.End, history.SagaConflict, history.SagaStart, history.SagaTransition,
		history.SagaCompleted, history.SagaCompensated) {
		kind := r.Kind()
		switch kind {
		case history.End:
			l.end = i
			continue
		case history.SagaConflict:
			l.conflicts++
			continue
		}
		k := symPair(r.Group, r.Key)
		if _, ok := seen[k]; !ok {
			seen[k] = true
			l.order = append(l.order, sagaKey{h.Str(r.Group), h.Str(r.Key)})
			l.ids = append(l.ids, k)
		}
		switch kind {
		case history.SagaStart:
			l.starts[k] = append(l.starts[k], i)
			l.last[k] = i
		case history.SagaTransition:
			l.last[k] = i
		case history.SagaCompleted:
			if _, ok := l.completed[k]; !ok {
				l.completed[k] = i
			}
			l.lastEnd[k] = i
		case history.SagaCompensated:
			if _, ok := l.comp[k]; !ok {
				l.comp[k] = i
			}
			l.lastEnd[k] = i
		}
	}
	return l
}

// SagaSingleInstance checks that each saga (a correlation id within a
// group) is started at most once. Two starts mean two events of one saga
// were handled at once, each found no instance and created one: the
// second write replaced the first instance's state. Its witness is the
// two starts and the delivery of the second start's event, which shows
// it was read before the first start was written. With no saga record
// it is not applicable (Unknown).
func SagaSingleInstance(h *history.History) Result {
	res := Result{Check: "saga-single-instance"}
	l := readSagas(h)
	var dup, started int
	for n, k := range l.order {
		s := l.starts[l.ids[n]]
		if len(s) > 0 {
			started++
		}
		if len(s) < 2 {
			continue
		}
		dup++
		if res.Witness != nil {
			continue
		}
		a, b := h.At(s[0]), h.At(s[1])
		del := lastDeliverOf(h, s[1], b.Node, b.Event)
		res.Witness = pickRecords(h, del, s[0], s[1])
		read := ""
		if del >= 0 {
			read = fmt.Sprintf(" %s had read the saga's row at %s, before that start was written, and found none.", b.Node, at(h.At(del).At))
		}
		res.Explanation = fmt.Sprintf("Saga %s in group %s was started %d times: by %s on %s (%s) at %s, and again by %s on %s (%s) at %s.%s Two events of one saga were handled at once and each created the instance (load or create) without a version check, so the second write overwrote the first instance. Write the saga's row with the version read (optimistic concurrency): the second start then conflicts, reloads the instance and joins it.",
			k.key, k.group, len(s), a.Node, a.Type, a.Event, at(a.At), b.Node, b.Type, b.Event, at(b.At), read)
	}
	if dup > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s started more than once.", plural(dup, "saga was", "sagas were"))
		return res
	}
	if len(l.order) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: the history has no saga records."
		return res
	}
	if started == 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("Not applicable: none of the %d saga(s) in the history has a saga-start record, so none could have been started twice.", len(l.order))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d sagas was started once.", started)
	if n := len(l.order) - started; n > 0 {
		res.Explanation += fmt.Sprintf(" %d saga(s) have no saga-start record and were not judged.", n)
	}
	if l.conflicts > 0 {
		res.Explanation += fmt.Sprintf(" %s were rejected by the version check and retried.", plural(l.conflicts, "write", "writes"))
	}
	return res
}

// SagaOutcome checks that each saga ends completed or compensated, never
// both, and, when the run drained (every event handled), that none is
// left open: its last write (SagaStart or SagaTransition) leaves it in an
// end state (completed or compensated, or a state of the user's saga that
// a SagaCompleted or SagaCompensated record after the write ends). Completed and compensated both is a late success after
// compensation (or a compensation after success) that read the saga
// before the other write; an open saga is a lost update: a write based on
// an old read put it back to started. Its witness is the two end records,
// or the last write and the end of the run. With no saga it is not
// applicable; with sagas still open when the run ended before it drained
// (and no saga ended both ways) it is Unknown.
func SagaOutcome(h *history.History) Result {
	res := Result{Check: "saga-outcome"}
	l := readSagas(h)
	if len(l.order) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: the history has no saga records."
		return res
	}
	drained := l.end >= 0 && h.Record(l.end).Drained()
	var both, open, pending, completed, compensated int
	for n, k := range l.order {
		id := l.ids[n]
		c, okc := l.completed[id]
		x, okx := l.comp[id]
		lw, wrote := l.last[id]
		if okc && okx {
			both++
			if res.Witness != nil {
				continue
			}
			first, second := h.At(c), h.At(x)
			if x < c {
				first, second = second, first
			}
			wrote := lastWrite(h, k, max(c, x))
			res.Witness = pickRecords(h, c, x, wrote)
			basis := ""
			if wrote >= 0 {
				basis = fmt.Sprintf(" (it had read version %d, before the %s at version %d was written)", h.At(wrote).Basis, first.Kind, first.Version)
			}
			res.Explanation = fmt.Sprintf("Saga %s in group %s was both %s at %s (%s, %s by %s) and %s at %s (%s, %s by %s)%s. The order is cancelled and refunded, yet confirmed as paid. The later event was decided on a stale read of the saga: without a version check its write landed anyway. Write the saga's row with the version read (optimistic concurrency): the late event then conflicts, reloads the ended saga and is ignored.",
				k.key, k.group, word(first.Kind), at(first.At), first.Type, first.Event, first.Node,
				word(second.Kind), at(second.At), second.Type, second.Event, second.Node, basis)
			continue
		}
		if okc {
			completed++
		} else if okx {
			compensated++
		}
		if !wrote {
			continue // no start or transition: the saga logs only its end, so it ended
		}
		last := h.At(lw) // its state lives in its side row
		if e, ok := l.lastEnd[id]; sagaEnded(last.To) || ok && e > lw {
			continue // its last write ended it, whatever the state's name
		}
		if !drained {
			pending++
			continue
		}
		open++
		if res.Witness != nil {
			continue
		}
		end := -1
		if okc {
			end = c
		} else if okx {
			end = x
		}
		res.Witness = pickRecords(h, end, lw, l.end)
		was := ""
		if end >= 0 {
			e := h.At(end)
			was = fmt.Sprintf(" It had been %s at %s (version %d), and then", word(e.Kind), at(e.At), e.Version)
		}
		res.Explanation = fmt.Sprintf("Saga %s in group %s was left %s at the end of a drained run, when every event had been handled.%s %s's write on %s (%s) at %s, decided on version %d, put it in state %s at version %d. A write based on an old read overwrote a newer one (a lost update), so the saga waits for an event that already came. Write the saga's row with the version read (optimistic concurrency): the stale write then conflicts and is decided again on the current state.",
			k.key, k.group, last.To, was, last.Node, last.Type, last.Event, at(last.At), last.Basis, last.To, last.Version)
	}
	if both+open > 0 {
		res.Verdict = Violated
		if both > 0 {
			res.Explanation += fmt.Sprintf(" %s both completed and compensated.", plural(both, "saga was", "sagas were"))
		}
		if open > 0 {
			res.Explanation += fmt.Sprintf(" %s left open.", plural(open, "saga was", "sagas were"))
		}
		return res
	}
	if pending > 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("No saga was both completed and compensated, but %s still open when the run ended before it drained: its events may not all have been handled.",
			plural(pending, "saga was", "sagas were"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d sagas ended either completed (%d) or compensated (%d), never both, and none was left open.", len(l.order), completed, compensated)
	return res
}

// sagaEnded reports whether a saga state is an end state.
func sagaEnded(state string) bool {
	return state == history.SagaStateCompleted || state == history.SagaStateCompensated
}

// word names a saga end kind in a sentence.
func word(k history.Kind) string {
	if k == history.SagaCompleted {
		return "completed"
	}
	return "compensated"
}

// lastWrite returns the index of the last SagaStart or SagaTransition of
// saga k at or before i, or -1.
func lastWrite(h *history.History, k sagaKey, i int) int {
	g, ok1 := h.Lookup(k.group)
	key, ok2 := h.Lookup(k.key)
	if !ok1 || !ok2 {
		return -1
	}
	for x := i; x >= 0; x-- {
		r := h.Record(x)
		if kind := r.Kind(); (kind == history.SagaTransition || kind == history.SagaStart) && r.Group == g && r.Key == key {
			return x
		}
	}
	return -1
}

// lastDeliverOf returns the index of the last delivery of event to node
// before i, or -1.
func lastDeliverOf(h *history.History, i int, node, event string) int {
	n, ok1 := h.Lookup(node)
	e, ok2 := h.Lookup(event)
	if !ok1 || !ok2 {
		return -1
	}
	for x := i - 1; x >= 0; x-- {
		if r := h.Record(x); r.KindCode() == codeDeliver && r.Node == n && r.Event == e {
			return x
		}
	}
	return -1
}
