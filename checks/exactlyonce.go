package checks

import (
	"fmt"

	"evsim/model/history"
)

// ExactlyOnceEffects checks that no consumer group applies the effect of an
// event more than once. A violation's witness is the first event applied
// twice: its first effect, the crash that came between, the redelivery and
// the second effect.
func ExactlyOnceEffects(h *history.History) Result {
	type gk struct{ group, event string }
	first := map[gk]int{}
	var dups int
	firstDup := -1
	var firstIdx int
	for i, r := range h.Records {
		if r.Kind != history.Effect {
			continue
		}
		k := gk{r.Group, r.Event}
		j, seen := first[k]
		if !seen {
			first[k] = i
			continue
		}
		dups++
		if firstDup < 0 {
			firstDup, firstIdx = i, j
		}
	}
	res := Result{Check: "exactly-once-effects"}
	if dups == 0 {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Each of the %d effects applied was the first for its event in its group.", len(first))
		return res
	}
	a, b := h.Records[firstIdx], h.Records[firstDup]
	res.Verdict = Violated
	res.Witness = append(res.Witness, a)
	var crash *history.Record
	for i := firstIdx + 1; i < firstDup; i++ {
		r := h.Records[i]
		if r.Kind == history.Crash && r.Node == a.Node && crash == nil {
			crash = &h.Records[i]
			res.Witness = append(res.Witness, r)
		}
		if r.Kind == history.Deliver && r.Group == b.Group && r.Event == b.Event {
			res.Witness = append(res.Witness, r)
		}
	}
	res.Witness = append(res.Witness, b)
	why := "without a crash in between"
	if crash != nil {
		why = fmt.Sprintf("%s crashed at %s (%s) before the offset commit took effect, so the broker delivered the event again", crash.Node, crash.Point, at(crash.At))
	}
	res.Explanation = fmt.Sprintf(
		"Event %s (%s %d to %s, %s/%d offset %d) was applied twice by group %s: %s applied it at %s; %s; %s applied it again at %s. "+
			"%d effect(s) in all were repeats. A consumer that can be redelivered an event must recognise it, for instance by recording processed ids in the effect's transaction.",
		a.Event, a.Type, a.Amount, a.Key, a.Topic, a.Partition, a.Offset, a.Group, a.Node, at(a.At), why, b.Node, at(b.At), dups)
	return res
}
