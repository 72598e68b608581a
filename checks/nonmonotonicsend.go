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
	// Pair each acknowledgement with the publish it answers: the n-th
	// acknowledgement of an event answers its n-th publish, if it was
	// made by then. The records are read in place, by symbol: seq numbers
	// the publishes in history order, ackFor[seq] is 1 + the index of the
	// acknowledgement of publish seq (0: none).
	type event struct {
		first, pubs, acks int32 // first: the seq of its first publish
	}
	var events symTable[event]
	later := map[uint64]int32{} // the seq of an event's n-th publish (n > 0), by symPair(event, n)
	ackFor := make([]int32, h.Count(history.Publish))
	var seq int32
	for i, r := range h.Compact(history.Publish, history.PublishAck) {
		e := events.slot(r.Event)
		switch r.KindCode() {
		case codePublish:
			if e.pubs == 0 {
				e.first = seq
			} else {
				later[symPair(r.Event, history.Sym(e.pubs))] = seq
			}
			e.pubs++
			seq++
		case codePublishAck:
			if n := e.acks; n < e.pubs {
				p := e.first
				if n > 0 {
					p = later[symPair(r.Event, history.Sym(n))]
				}
				ackFor[p] = int32(i + 1)
			}
			e.acks++
		}
	}
	type producer struct {
		node        history.Sym
		incarnation int32
		topic       history.Sym
		partition   int32
	}
	crashes := map[history.Sym]int32{}
	// the producer's previous acknowledged send: its publish and ack
	type send struct{ pub, ack int32 }
	prev := map[producer]send{}
	var steps, back int
	seq = 0
	for i, r := range h.Compact(history.Crash, history.Publish) {
		if r.KindCode() == codeCrash {
			crashes[r.Node]++
			continue
		}
		a := int(ackFor[seq]) - 1
		seq++
		if a < 0 {
			continue
		}
		ak := h.Record(a)
		if ak.Offset == history.OffsetUnknown {
			continue
		}
		k := producer{r.Node, crashes[r.Node], ak.Topic, ak.Partition}
		before, seen := prev[k]
		prev[k] = send{int32(i), int32(a)}
		if !seen {
			continue
		}
		steps++
		j, ja := int(before.pub), int(before.ack)
		if ak.Offset > h.Record(ja).Offset {
			continue
		}
		back++
		if res.Witness == nil {
			p, e, pa, ae := h.At(j), h.At(i), h.At(ja), h.At(a)
			res.Witness = pickRecords(h, j, i, ja, a)
			res.Explanation = fmt.Sprintf("Producer %s published %s (%s) before %s (%s) to %s/%d, but %s landed at offset %d and %s at offset %d, before it. With several requests in flight, an earlier request that failed and was retried lands after later ones; the idempotent producer (or one request in flight) keeps a partition in publish order.",
				e.Node, p.Event, at(p.At), e.Event, at(e.At), ae.Topic, ae.Partition, p.Event, pa.Offset, e.Event, ae.Offset)
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
