package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// DuplicateDeliveryInvariance checks that applying an event again never
// changes the state a consumer keeps: the state of the event's key after a
// repeated effect (history.Entry.Value) must equal its state before. A
// redelivery that the consumer skips as already processed (a dedup after
// the event's effect) is a repeat that left the state as it was. A
// naturally idempotent handler (one that sets a value) passes even when
// exactly-once-effects does not; an adding one does not. Its witness is
// the first effect, the redelivery and the repeat that changed the state.
//
// Only a subscriber that reports its state can be judged: one whose
// Subscribe record is Stateful or, in a history written without that
// field, one with an effect that carries a Value. With no such subscriber,
// or when no event reached one again, there is no evidence either way and
// the verdict is unknown.
//
// A read model fed by a topic is a consumer too, and its rows are its
// state: an event applied to it again (a second history.ProjectionApply of
// the event, from the same offset read again or from a second copy in the
// log) must leave the row as it was.
func DuplicateDeliveryInvariance(h *history.History) Result {
	return duplicateDeliveryInvariance(NewJudgement(h))
}

func duplicateDeliveryInvariance(jd *Judgement) Result {
	h := jd.h
	res := Result{Check: "duplicate-delivery-invariance"}
	fx := jd.firstEffects()
	stateful := statefulSubscribers(h, fx)
	// A subscriber (group and service): each event's first effect, and
	// whether it reports its state, and if so its value of each key, by
	// the key's symbol (0 before its first effect; a consumer keeps a
	// few keys, so a map).
	type subscriberState struct {
		first    *symIndex
		stateful bool
		state    map[history.Sym]int64
	}
	first := fx.first
	subs := map[[2]history.Sym]*subscriberState{}
	var cur *subscriberState
	var curKey [2]history.Sym
	var repeats, skips, changed, blind int
	for i, c := range h.Compact(history.Dedup, history.Effect) {
		if k := [2]history.Sym{c.Group, h.Service(c)}; cur == nil || k != curKey {
			if cur = subs[k]; cur == nil {
				cur = &subscriberState{first: first[k], stateful: stateful[k]}
				subs[k] = cur
			}
			curKey = k
		}
		// an effect of the event was applied before this record
		j, seen := cur.first.get(c.Event)
		seen = seen && j < i
		if c.KindCode() == codeDedup {
			if seen && cur.stateful {
				skips++
			}
			continue
		}
		if !cur.stateful {
			if seen {
				blind++
			}
			continue
		}
		if cur.state == nil {
			cur.state = map[history.Sym]int64{}
		}
		before := cur.state[c.Key]
		cur.state[c.Key] = c.Value
		if !seen {
			continue
		}
		repeats++
		if c.Value == before {
			continue
		}
		changed++
		if res.Witness != nil {
			continue
		}
		r := h.At(i)
		redeliver := -1
		for x := j + 1; x < i; x++ {
			if d := h.Record(x); d.KindCode() == codeDeliver && d.Group == c.Group && d.Event == c.Event && d.Node == c.Node {
				redeliver = x
			}
		}
		a := h.At(j)
		delivery := ""
		if redeliver >= 0 {
			delivery = fmt.Sprintf(", delivery %d", h.At(redeliver).Attempt)
		}
		res.Witness = pickRecords(h, j, redeliver, i)
		res.Explanation = fmt.Sprintf(
			"Event %s (%s to %s) reached %s again: %s applied it at %s, and applying it once more at %s (%s%s) moved %s from %d to %d. The outcome depends on how many times the event was delivered, and a broker that delivers at least once will deliver some events twice. Skip events already processed, or make the handler idempotent (set a value instead of adding to it).",
			r.Event, eventWhat(r.Type, r.Amount), r.Key, subscriber{group: r.Group, service: r.Service}.name(), a.Node, at(a.At), at(r.At), r.Node, delivery,
			r.Key, before, r.Value)
	}
	one, many := "repeated effect", "repeated effects"
	sources := jd.projectionTopics()
	prepeats, pchanged, pwitness, pwhy := projectionRepeats(h, sources)
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
	var unjudged string
	if blind > 0 {
		unjudged = fmt.Sprintf(" %s by consumers that do not report their state could not be judged.", plural(blind, "repeated effect", "repeated effects"))
	}
	switch {
	case changed > 0:
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s of %d changed the state.", plural(changed, one, many), repeats)
	case repeats+skips > 0:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("%s reached a consumer that reports its state after it had applied them, and none changed the state it touched (%d applied again without a change, %d skipped as already processed).",
			plural(repeats+skips, "event delivery", "event deliveries"), repeats, skips) + unjudged
	case len(stateful) == 0 && len(sources) == 0:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no consumer reports the state it keeps (no stateful subscription, no effect with a value, no read model fed by a topic), so no repeat can be judged." + unjudged
	default:
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no event reached a consumer that reports its state a second time, so no repeat could change the state." + unjudged
	}
	return res
}

// statefulSubscribers returns the group and service of every subscriber
// that reports its state: its Subscribe record is Stateful, or one of its
// effects carries a Value (histories written before Subscribe records
// said it), which fx, the effects of h, holds.
func statefulSubscribers(h *history.History, fx *effectIndex) map[[2]history.Sym]bool {
	out := make(map[[2]history.Sym]bool, len(fx.valued))
	for i, r := range h.Compact(history.Subscribe) {
		if r.Stateful() && h.At(i).Style != history.StyleProjection {
			out[[2]history.Sym{r.Group, h.Service(r)}] = true
		}
	}
	for k := range fx.valued {
		out[k] = true
	}
	return out
}
