package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// DuplicateDeliveryInvariance checks that applying an event again never
// changes the state a consumer keeps: the state of the event's key after a
// repeated effect (history.Record.Value) must equal its state before. A
// naturally idempotent handler (one that sets a value) passes even when
// exactly-once-effects does not; an adding one does not. Its witness is
// the first effect, the redelivery and the repeat that changed the state.
//
// A read model fed by a topic is a consumer too: a record of the topic
// applied to it again (history.ProjectionApply at the same offset) must
// leave the row as it was.
func DuplicateDeliveryInvariance(h *history.History) Result {
	res := Result{Check: "duplicate-delivery-invariance"}
	type gk struct{ group, service, key string }
	state := map[gk]int64{}
	first := map[groupEvent]int{}
	var repeats, changed int
	for i, r := range h.Records {
		if r.Kind != history.Effect {
			continue
		}
		k := gk{r.Group, r.Service, r.Key}
		before := state[k]
		state[k] = r.Value
		j, seen := first[groupEvent{r.Group, r.Service, r.Event}]
		if !seen {
			first[groupEvent{r.Group, r.Service, r.Event}] = i
			continue
		}
		repeats++
		if r.Value == before {
			continue
		}
		changed++
		if res.Witness != nil {
			continue
		}
		redeliver := -1
		for x := j + 1; x < i; x++ {
			if d := h.Records[x]; d.Kind == history.Deliver && d.Group == r.Group && d.Event == r.Event && d.Node == r.Node {
				redeliver = x
			}
		}
		a := h.Records[j]
		delivery := ""
		if redeliver >= 0 {
			delivery = fmt.Sprintf(", delivery %d", h.Records[redeliver].Attempt)
		}
		res.Witness = pickRecords(h, j, redeliver, i)
		res.Explanation = fmt.Sprintf(
			"Event %s (%s %d to %s) reached %s again: %s applied it at %s, and applying it once more at %s (%s%s) moved %s from %d to %d. The outcome depends on how many times the event was delivered, and a broker that delivers at least once will deliver some events twice. Skip events already processed, or make the handler idempotent (set a value instead of adding to it).",
			r.Event, r.Type, r.Amount, r.Key, subscriber{group: r.Group, service: r.Service}.name(), a.Node, at(a.At), at(r.At), r.Node, delivery,
			r.Key, before, r.Value)
	}
	one, many := "repeated effect", "repeated effects"
	prepeats, pchanged, pwitness, pwhy := projectionRepeats(h, projectionTopics(h))
	if prepeats > 0 && repeats == 0 {
		one, many = "repeated application", "repeated applications"
	}
	repeats += prepeats
	if pchanged > 0 {
		if res.Witness == nil {
			res.Witness, res.Explanation = pwitness, pwhy
		}
		changed += pchanged
	}
	switch {
	case changed > 0:
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s of %d changed the state.", plural(changed, one, many), repeats)
	case repeats > 0:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("%s applied again, and none changed the state it touched: the handler is idempotent.", plural(repeats, "event was", "events were"))
	default:
		res.Verdict = Holds
		res.Explanation = "No event was applied twice, so no repeat could change the state."
	}
	return res
}
