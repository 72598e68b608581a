package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// NonmonotonicSend checks that each producer's successive acknowledged
// sends to one partition land at increasing offsets (Jepsen's
// :nonmonotonic-send). The producer is one node between crashes, and its
// sends are ordered by their Publish records; the k-th acknowledgement of
// an event answers its k-th Publish. Its witness is the two publishes and
// their acknowledgements.
func NonmonotonicSend(h *history.History) Result {
	const name = "nonmonotonic-send"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	// Pair each acknowledgement with the publish it answers.
	pubs := map[string][]int{}
	acked := map[string]int{}
	ackOf := map[int]int{} // publish index -> ack index
	for i, r := range h.OfKind(history.Publish, history.PublishAck) {
		switch r.Kind {
		case history.Publish:
			pubs[r.Event] = append(pubs[r.Event], i)
		case history.PublishAck:
			n := acked[r.Event]
			if n < len(pubs[r.Event]) {
				ackOf[pubs[r.Event][n]] = i
			}
			acked[r.Event] = n + 1
		}
	}
	type producer struct {
		node        string
		incarnation int
		tp
	}
	crashes := map[string]int{}
	prev := map[producer]int{} // publish index of the producer's previous acknowledged send
	var steps, back int
	for i, r := range h.OfKind(history.Crash, history.Publish) {
		if r.Kind == history.Crash {
			crashes[r.Node]++
			continue
		}
		if r.Kind != history.Publish {
			continue
		}
		a, ok := ackOf[i]
		if !ok || h.At(a).Offset == history.OffsetUnknown {
			continue
		}
		ak := h.At(a)
		k := producer{r.Node, crashes[r.Node], tp{ak.Topic, ak.Partition}}
		j, seen := prev[k]
		prev[k] = i
		if !seen {
			continue
		}
		steps++
		pa := h.At(ackOf[j])
		if ak.Offset > pa.Offset {
			continue
		}
		back++
		if res.Witness == nil {
			p := h.At(j)
			res.Witness = pickRecords(h, j, i, ackOf[j], a)
			res.Explanation = fmt.Sprintf("Producer %s published %s (%s) before %s (%s) to %s/%d, but %s landed at offset %d and %s at offset %d, before it. With several requests in flight, an earlier request that failed and was retried lands after later ones; the idempotent producer (or one request in flight) keeps a partition in publish order.",
				r.Node, p.Event, at(p.At), r.Event, at(r.At), ak.Topic, ak.Partition, p.Event, pa.Offset, r.Event, ak.Offset)
		}
	}
	if steps == 0 {
		return notApplicable(name, "no producer had two sends to one partition acknowledged.")
	}
	if back > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all landed before an earlier send of their producer.", plural(back, "send", "sends"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d acknowledged sends that followed another of its producer to one partition landed at a higher offset.", steps)
	return res
}
