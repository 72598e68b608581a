package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// AsOfEqualsFold checks temporal queries: every answered as-of query (a
// history.QueryReturn of mode history.ModeAsOf, outcome ok) about a past
// time T (its Until) answers the state of its stream as of T: its Value
// equals the Value of the fold, by the Apply of the aggregate the history
// names (under the query's apply logic), of the stream's stored events
// (history.StoreAppend records of its key) committed at or before T, and
// its Version is the number of those events. The check reads the commit
// times from the store's records, never a timestamp the writer put on an
// event. Not applicable with no answered as-of query; a query of a stream
// whose aggregate cannot be looked up, or an answer that does not say
// which time it asked about (its Until is [history.UntilUnknown]), is not
// judged.
func AsOfEqualsFold(h *history.History) Result { return asOfEqualsFold(NewJudgement(h)) }

// asOfEqualsFold is [AsOfEqualsFold] within a judgement, which shares the
// aggregates the history names. It folds the store's records in place and
// unpacks only the answered as-of queries and the records its witness
// names.
func asOfEqualsFold(j *Judgement) Result {
	h := j.h
	res := Result{Check: "as-of-equals-fold"}
	doms := j.domains()
	stored := map[history.Sym][]int32{} // the store's appends, by key
	judged, unjudged, untimed, bad := 0, 0, 0, 0
	var whyNot string
	for i, q := range h.Compact(history.StoreAppend, history.QueryReturn) {
		if q.KindCode() == codeStoreAppend {
			stored[q.Key] = append(stored[q.Key], int32(i))
			continue
		}
		if q.Mode() != history.ModeAsOf || q.Outcome() != history.OutcomeOK {
			continue
		}
		key := q.Key
		r := h.At(i) // its Until and Logic live in its side row
		if r.Until == history.UntilUnknown {
			untimed++
			continue
		}
		f, _, why := doms.aggregateOf(r.Key)
		if f == nil {
			unjudged++
			if whyNot == "" {
				whyNot = why
			}
			continue
		}
		judged++
		a := f(max(1, r.Logic))
		s := a.Initial()
		var n int64
		last := -1
		for _, x := range stored[key] {
			e := h.Record(int(x))
			if e.At > r.Until {
				continue
			}
			n++
			s = a.Apply(s, storedEventOf(h, &e))
			last = int(x)
		}
		want := a.Value(s)
		if r.Value == want && r.Version == n {
			continue
		}
		bad++
		if res.Witness != nil {
			continue
		}
		if last >= 0 {
			res.Witness = append(res.Witness, h.At(last))
		}
		next := ""
		for _, x := range stored[key] {
			if h.Record(int(x)).At > r.Until {
				e := h.At(int(x))
				res.Witness = append(res.Witness, e)
				next = fmt.Sprintf("The stream's next event, %s (version %d), committed only at %s. ", e.Event, e.Version, at(e.At))
				break
			}
		}
		res.Witness = append(res.Witness, r)
		res.Explanation = fmt.Sprintf("At %s %s asked for %s as of %s and got value %d at version %d, but the store had committed "+
			"%d event(s) of the stream by then, whose fold gives value %d at version %d: the answer is a state the stream never "+
			"held at that time. Replay the stream up to the last event committed at or before the time (a stream position or the "+
			"store's own timestamp), not by a time the writer stamped on the event before its commit. ",
			at(r.At), r.Node, r.Key, at(r.Until), r.Value, r.Version, n, want, n) + next
	}
	noTime := ""
	if untimed > 0 {
		noTime = fmt.Sprintf(" %d as-of answer(s) do not say which time they asked about (no until) and were not judged.", untimed)
	}
	switch {
	case bad > 0:
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf("%d of %d as-of answer(s) differed from the replay to their time.", bad, judged) + noTime
	case judged == 0:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: the history has no answered as-of query (query-return of mode as-of, outcome ok)."
		if unjudged > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: %d as-of answer(s) are of streams the check cannot fold. %s.", unjudged, capitalize(whyNot))
		}
		if untimed > 0 {
			res.Explanation = "Not applicable: no as-of answer could be judged." + noTime
			if unjudged > 0 {
				res.Explanation += fmt.Sprintf(" %d answer(s) are of streams the check cannot fold: %s.", unjudged, whyNot)
			}
		}
	default:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Each of the %d as-of answer(s) equalled the fold of its stream's events committed at or before its time.", judged)
		if unjudged > 0 {
			res.Explanation += fmt.Sprintf(" %d answer(s) of streams the check cannot fold were not judged.", unjudged)
		}
		res.Explanation += noTime
	}
	return res
}
