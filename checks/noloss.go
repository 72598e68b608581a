package checks

import (
	"fmt"
	"sort"

	"evsim/model/history"
)

// NoLoss checks that every event the broker acknowledged is applied by every
// consumer group subscribed to its topic. An unapplied event is a
// violation if the group committed an offset past it (it was skipped for
// good) or the run drained; otherwise the run simply ended too early to
// tell, and the verdict is unknown.
func NoLoss(h *history.History) Result {
	res := Result{Check: "no-loss"}
	type tp struct {
		topic     string
		partition int
	}
	type gtp struct {
		group string
		tp
	}
	subs := map[string][]string{} // topic -> groups
	acked := []int{}
	applied := map[[2]string]bool{} // group, event
	committed := map[gtp]int{}      // latest commit record index
	drained := false
	for i, r := range h.Records {
		switch r.Kind {
		case history.Subscribe:
			subs[r.Topic] = append(subs[r.Topic], r.Group)
		case history.PublishAck:
			acked = append(acked, i)
		case history.Effect, history.Dedup:
			applied[[2]string{r.Group, r.Event}] = true
		case history.OffsetCommit:
			committed[gtp{r.Group, tp{r.Topic, r.Partition}}] = i
		case history.End:
			drained = r.Drained
		}
	}
	var lost, pending int
	var witness []history.Record
	var explain string
	groups := 0
	for _, gs := range subs {
		groups += len(gs)
	}
	consumed := 0
	for _, i := range acked {
		ack := h.Records[i]
		if len(subs[ack.Topic]) > 0 {
			consumed++
		}
		gs := append([]string(nil), subs[ack.Topic]...)
		sort.Strings(gs)
		for _, g := range gs {
			if applied[[2]string{g, ack.Event}] {
				continue
			}
			ci, ok := committed[gtp{g, tp{ack.Topic, ack.Partition}}]
			skipped := ok && h.Records[ci].Offset > ack.Offset
			if !skipped && !drained {
				pending++
				continue
			}
			lost++
			if witness != nil {
				continue
			}
			witness = lossWitness(h, i, g)
			if skipped {
				explain = fmt.Sprintf(
					"Event %s was acknowledged at %s (%s/%d offset %d), but group %s never applied it: its committed offset moved past the event, so the group will never read it again.",
					ack.Event, at(ack.At), ack.Topic, ack.Partition, ack.Offset, g)
			} else {
				explain = fmt.Sprintf(
					"Event %s was acknowledged at %s (%s/%d offset %d), but group %s never applied it, although the run drained.",
					ack.Event, at(ack.At), ack.Topic, ack.Partition, ack.Offset, g)
			}
		}
	}
	switch {
	case lost > 0:
		res.Verdict = Violated
		res.Witness = witness
		res.Explanation = fmt.Sprintf("%s %d acknowledged event(s) in all were lost. Commit an offset only after the effect it covers.", explain, lost)
	case pending > 0:
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("%d acknowledged event(s) were not applied yet when the run ended before the groups caught up; nothing was skipped.", pending)
	default:
		res.Verdict = Holds
		res.Explanation = fmt.Sprintf("All %d acknowledged events of consumed topics were applied by each of the %d subscribed group(s).", consumed, groups)
	}
	return res
}

// lossWitness returns, in history order, the acknowledgement at index i,
// the group's last delivery of the event, the crash of that member after
// it, and the first offset commit of the group past the event.
func lossWitness(h *history.History, i int, g string) []history.Record {
	ack := h.Records[i]
	idx := []int{i}
	deliver, crash, commit := -1, -1, -1
	for j := i + 1; j < len(h.Records); j++ {
		r := h.Records[j]
		switch {
		case r.Kind == history.Deliver && r.Group == g && r.Event == ack.Event:
			deliver, crash = j, -1
		case r.Kind == history.Crash && r.Group == g && deliver >= 0 && crash < 0 && r.Node == h.Records[deliver].Node:
			crash = j
		case r.Kind == history.OffsetCommit && commit < 0 && r.Group == g && r.Topic == ack.Topic &&
			r.Partition == ack.Partition && r.Offset > ack.Offset:
			commit = j
		}
	}
	for _, j := range []int{deliver, crash, commit} {
		if j >= 0 {
			idx = append(idx, j)
		}
	}
	sort.Ints(idx)
	out := make([]history.Record, len(idx))
	for k, j := range idx {
		out[k] = h.Records[j]
	}
	return out
}
