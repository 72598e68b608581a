package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// ExactlyOnceEffects checks that no service of a consumer group applies
// the effect of an event more than once; with no effect at all there is
// nothing to judge, and the verdict is unknown. A violation's witness is the
// first event applied twice: its first effect, what came between (a crash,
// a pause, a rebalance), the redelivery and the second effect.
func ExactlyOnceEffects(h *history.History) Result { return exactlyOnceEffects(NewJudgement(h)) }

func exactlyOnceEffects(j *Judgement) Result {
	h := j.h
	fx := j.firstEffects()
	events, dups, firstDup, firstIdx := fx.events, fx.dups, fx.firstDup, fx.firstIdx
	res := Result{Check: "exactly-once-effects"}
	if events == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no consumer applied an effect."
		return res
	}
	if dups == 0 {
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("Each of the %d effects applied was the first for its event in its group.", events)
		return res
	}
	res.Verdict = Violated
	res.Witness, res.Explanation = repeatStory(h, firstIdx, firstDup)
	res.Explanation += fmt.Sprintf(" %d effect(s) in all were repeats.", dups)
	return res
}

// repeatStory tells how the effect at index a came to be applied again at
// index b, with the records that show it.
func repeatStory(h *history.History, a, b int) ([]history.Entry, string) {
	ra, rb := h.At(a), h.At(b)
	ya, yb := h.Record(a), h.Record(b) // compared in place with the records between
	idx := []int{a, b}
	crash, pause, expire, polledOut, redeliver := -1, -1, -1, -1, -1
	// what happened between the two effects
	between := func(i int, r *history.Record) {
		switch r.KindCode() {
		case codeCrash:
			if r.Node == ya.Node && crash < 0 {
				crash = i
			}
		case codeExpire:
			if r.Node == ya.Node && expire < 0 {
				expire = i
			}
		case codeLeave:
			if r.Node == ya.Node && polledOut < 0 && h.At(i).LeaveReason == history.LeavePollTimeout {
				polledOut = i
			}
		case codeDeliver:
			if r.Group == yb.Group && r.Event == yb.Event && r.Node == yb.Node {
				redeliver = i
			}
		}
	}
	if b-a > b/4 {
		// a long stretch: the records of the four kinds, read in place,
		// from the start (telling a kind from the others costs a bit
		// test, where a record read by index is a copy)
		for i, r := range h.Compact(history.Crash, history.Expire, history.Leave, history.Deliver) {
			if i >= b {
				break
			}
			if i > a {
				between(i, r)
			}
		}
	} else {
		for i := a + 1; i < b; i++ {
			r := h.Record(i)
			between(i, &r)
		}
	}
	if ya.Node != yb.Node && h.Count(history.Pause) > 0 {
		// the last stall of either member before the repeat: a zombie
		for i := b - 1; i >= 0; i-- {
			if r := h.Record(i); r.KindCode() == codePause && (r.Node == ya.Node || r.Node == yb.Node) {
				pause = i
				break
			}
		}
	}
	if polledOut < 0 {
		// the member may have left before it applied the effect, its
		// handler still running
		for i := a - 1; i >= 0; i-- {
			r := h.Record(i)
			if r.Node == ya.Node && (r.KindCode() == codeJoin || r.KindCode() == codeCrash) {
				break
			}
			if r.KindCode() == codeLeave && r.Node == ya.Node && h.At(i).LeaveReason == history.LeavePollTimeout {
				polledOut = i
				break
			}
		}
	}
	idx = append(idx, crash, pause, expire, polledOut, redeliver)
	head := fmt.Sprintf("Event %s (%s to %s) was applied twice by %s: %s applied it at %s",
		ra.Event, eventWhat(ra.Type, ra.Amount), ra.Key, subscriber{group: ra.Group, service: ra.Service}.name(), ra.Node, at(ra.At))
	var why string
	switch {
	case ra.Offset != rb.Offset || ra.Partition != rb.Partition:
		why = fmt.Sprintf("; the log holds the event twice (%s/%d offset %d and %s/%d offset %d), and %s applied the second copy at %s. A producer sent it again after its acknowledgement was lost; an idempotent producer, or dedup by event id, stops the repeat.",
			ra.Topic, ra.Partition, ra.Offset, rb.Topic, rb.Partition, rb.Offset, rb.Node, at(rb.At))
	case pause >= 0:
		p := h.At(pause)
		woke := ra.Node == p.Node && ra.At >= p.Until || rb.Node == p.Node && rb.At >= p.Until
		if woke {
			why = fmt.Sprintf(" (generation %d), and %s applied it again at %s (generation %d). %s had stalled from %s to %s, longer than its session timeout: the group gave its partition to another member while the stalled one still held a batch, and when it woke it went on as if it still owned the partition. It was a zombie: fence writes with the generation.",
				ra.Generation, rb.Node, at(rb.At), rb.Generation, p.Node, at(p.At), at(p.Until))
		} else {
			why = fmt.Sprintf(" (generation %d); then %s stalled from %s to %s, longer than its session timeout, and the group gave its partition to %s, which resumed from the last committed offset and applied the event again at %s (generation %d). The effect was done but its offset not yet committed, and nothing %s could see said it was done: keep processed ids where every member sees them.",
				ra.Generation, p.Node, at(p.At), at(p.Until), rb.Node, at(rb.At), rb.Generation, rb.Node)
		}
	case polledOut >= 0 && crash < 0:
		l := h.At(polledOut)
		why = fmt.Sprintf("; %s had held its batch longer than its max poll interval and left the group at %s (Kafka's max.poll.interval.ms), while its handler ran on; its offset commit was refused, and %s, the partition's new owner, read from the last committed offset and applied the event again at %s. Make one poll's work fit inside the interval (fewer records per poll), or make the effect idempotent.",
			l.Node, at(l.At), rb.Node, at(rb.At))
	case crash >= 0:
		c := h.At(crash)
		why = fmt.Sprintf("; %s crashed at %s (%s) before the offset commit took effect, so the broker delivered the event again; %s applied it again at %s. A consumer that can be redelivered an event must recognise it, for instance by recording processed ids in the effect's transaction.",
			c.Node, c.CrashPoint, at(c.At), rb.Node, at(rb.At))
	case expire >= 0:
		why = fmt.Sprintf("; %s was removed from the group for missing its heartbeats, its work was redelivered, and %s applied the event again at %s (attempt %d).",
			ra.Node, rb.Node, at(rb.At), rb.Attempt)
	default:
		delivery := ""
		if redeliver >= 0 {
			delivery = fmt.Sprintf(" (delivery %d)", h.At(redeliver).Attempt)
		}
		if isQueue(h, rb.Group) {
			da, db := lastDeliver(h, a, ra), lastDeliver(h, b, rb)
			if da >= 0 && db >= 0 {
				x, y := h.At(da), h.At(db)
				if x.Attempt > y.Attempt {
					x, y = y, x
				}
				idx = append(idx, da, db)
				why = fmt.Sprintf(", and %s applied it again at %s. %s started on it as delivery %d at %s and %s as delivery %d at %s: no acknowledgement had reached the broker within the ack timeout, so it assumed the first worker had died and handed the message out again. Set the ack timeout above the longest time a message can spend with a worker, and make the effect idempotent for real crashes.",
					rb.Node, at(rb.At), x.Node, x.Attempt, at(x.At), y.Node, y.Attempt, at(y.At))
				break
			}
		}
		why = fmt.Sprintf("; it was delivered again%s, without a crash in between, and %s applied it again at %s. Work that is done but not committed is redone after a rebalance or a redelivery: make the effect idempotent.",
			delivery, rb.Node, at(rb.At))
	}
	return pickRecords(h, idx...), head + why
}

// lastDeliver returns the index of the last delivery of effect e's event
// to e's member before index i, or -1.
func lastDeliver(h *history.History, i int, e history.Entry) int {
	for x := i - 1; x >= 0; x-- {
		if d := h.At(x); d.Kind == history.Deliver && d.Event == e.Event && d.Node == e.Node && d.Group == e.Group {
			return x
		}
	}
	return -1
}

// isQueue reports whether group g has a queue-style subscription in h.
func isQueue(h *history.History, g string) bool {
	for _, r := range h.OfKind(history.Subscribe) {
		if r.Kind == history.Subscribe && r.Group == g {
			return r.Style == history.StyleQueue
		}
	}
	return false
}

// effectIndex is each event's first effect in each group (and service),
// and what [ExactlyOnceEffects] counts of the effects.
type effectIndex struct {
	// first holds the index of each event's first effect, by group and
	// service.
	first map[[2]history.Sym]*symIndex
	// valued holds the groups and services with an effect that carries
	// a Value: consumers that report their state.
	valued map[[2]history.Sym]bool
	// events counts the first effects, dups the others; firstDup is the
	// index of the first repeat (-1: none), firstIdx of the effect it
	// repeats.
	events, dups       int
	firstDup, firstIdx int
}

// firstEffects reads the effects of h into an [effectIndex].
func firstEffects(h *history.History) *effectIndex {
	fx := &effectIndex{first: map[[2]history.Sym]*symIndex{}, valued: map[[2]history.Sym]bool{}, firstDup: -1, firstIdx: -1}
	var last [2]history.Sym
	var x *symIndex
	var valued bool // fx.valued[last]
	for i, r := range h.Compact(history.Effect) {
		if k := [2]history.Sym{r.Group, h.Service(r)}; x == nil || k != last {
			if x = fx.first[k]; x == nil {
				x = new(symIndex)
				fx.first[k] = x
			}
			last, valued = k, fx.valued[k]
		}
		if r.Value != 0 && !valued {
			fx.valued[last], valued = true, true
		}
		j, seen := x.get(r.Event)
		if !seen {
			x.set(r.Event, i)
			fx.events++
			continue
		}
		fx.dups++
		if fx.firstDup < 0 {
			fx.firstDup, fx.firstIdx = i, j
		}
	}
	return fx
}
