package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// addedBefore returns the index of the last add-partitions record of
// topic before record index end, or -1.
func addedBefore(h *history.History, topic history.Sym, end int) int {
	for i := end - 1; i >= 0; i-- {
		if r := h.Record(i); r.KindCode() == codeAddPartitions && r.Topic == topic {
			return i
		}
	}
	return -1
}

// movedOnce reports whether producer's publishes of key to topic went to
// one partition and, at most once and only after record index grown, moved
// to another for good, as a key-hash partitioner's do once the producer
// learns of a new partition count.
func movedOnce(h *history.History, producer, topic, key history.Sym, grown int) bool {
	cur, moved := int32(-1), false
	for i, r := range h.Compact(history.Publish) {
		if r.Node != producer || r.Topic != topic || r.Key != key || r.Partition == cur {
			continue
		}
		if cur >= 0 {
			if moved || i < grown {
				return false
			}
			moved = true
		}
		cur = r.Partition
	}
	return true
}

// KeyOrder checks that every service of every group applies the events of
// one key in the order their producer published them to one topic (a
// key's order is its partition's, and two topics share none). Its witness is two
// events of one key: both publishes and both (first) effects, the later
// event applied first. The explanation names the likely cause: the key's
// events in different partitions (partitions added to the topic between
// the two publishes, or a partitioner that ignores the key), out of order
// in one partition, or handled out of order by the consumers. With no group that applied two
// events of one key from one producer, there is nothing to judge
// (unknown).
func KeyOrder(h *history.History) Result { return keyOrder(NewJudgement(h)) }

// keyOrder is [KeyOrder] within a judgement, which shares the first
// effects of each event. It compares the records' symbols in place and
// unpacks only the records its witness names.
func keyOrder(j *Judgement) Result {
	const name = "key-order"
	h := j.h
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	// pub is the first publish of an event: rec is 1 + the index of its
	// record (0: the event was never published), idx its place in the
	// publish order of its producer's key.
	type pub struct {
		rec, idx             int32
		topic, producer, key history.Sym
	}
	// A key's order is that of its topic: one producer's events of a
	// key sent to two topics have none between them.
	type tpk struct{ topic, producer, key history.Sym }
	var pubs symTable[pub]
	count := map[tpk]int32{}
	for i, r := range h.Compact(history.Publish) {
		p := pubs.slot(r.Event)
		if p.rec != 0 {
			continue
		}
		k := tpk{r.Topic, r.Node, r.Key}
		*p = pub{int32(i + 1), count[k], r.Topic, r.Node, r.Key}
		count[k]++
	}
	type gpk struct{ group, service, topic, producer, key history.Sym }
	// applied is the effect with the highest publish index so far.
	type applied struct{ rec, idx int32 }
	last := map[gpk]applied{}
	fx := j.firstEffects()
	var first *symIndex
	var firstOf [2]history.Sym
	var inversions, checked, pairs int
	for i, r := range h.Compact(history.Effect) {
		p := pubs.get(r.Event)
		if p.rec == 0 {
			continue
		}
		svc := h.Service(r)
		if gs := [2]history.Sym{r.Group, svc}; first == nil || gs != firstOf {
			first, firstOf = fx.first[gs], gs
		}
		if f, _ := first.get(r.Event); f != i {
			continue // applied before
		}
		checked++
		k := gpk{r.Group, svc, p.topic, p.producer, p.key}
		l, seen := last[k]
		if seen {
			pairs++
		}
		if !seen || l.idx < p.idx {
			last[k] = applied{int32(i), p.idx}
			continue
		}
		inversions++
		if res.Witness != nil {
			continue
		}
		jl := int(l.rec)
		laterPub := int(pubs.get(h.Record(jl).Event).rec) - 1
		pubRec := int(p.rec) - 1
		added := addedBefore(h, r.Topic, laterPub)
		if added >= 0 && !movedOnce(h, p.producer, r.Topic, r.Key, added) {
			added = -1 // the key was spread before the growth too: the partitioner ignores the key
		}
		e, later, producer := h.At(i), h.At(jl), h.Str(p.producer)
		res.Witness = pickRecords(h, pubRec, laterPub, jl, i)
		var cause string
		switch {
		case later.Partition != e.Partition && added >= 0:
			grown := h.At(added)
			res.Witness = pickRecords(h, pubRec, laterPub, jl, i, added)
			cause = fmt.Sprintf("The two are in different partitions (%d and %d): partitions were added to the topic (%s grew to %d partitions at %s) before the later one was published, and the key's hash modulo the new count picks another partition. Its older event still waited in the old partition, read independently. Adding partitions to a keyed topic breaks each key's order: stop the producers and let the consumers drain the old partitions first, or create the topic with enough partitions.",
				e.Partition, later.Partition, grown.Topic, grown.Count, at(grown.At))
		case later.Partition != e.Partition:
			cause = fmt.Sprintf("The two are in different partitions (%d and %d): the partitioner spread one key over several partitions, and partitions are consumed independently. Partition by key so that a key's events share one ordered log.",
				e.Partition, later.Partition)
		case later.Offset < e.Offset:
			cause = fmt.Sprintf("The log itself holds them out of order (offsets %d and %d of partition %d): the producer had more than one request in flight, the earlier one failed, and its retry landed after the later one. Use the idempotent producer (or one request in flight).",
				later.Offset, e.Offset, e.Partition)
		default:
			cause = fmt.Sprintf("They are in order in partition %d (offsets %d and %d), but were handled out of order: by competing consumers or concurrent workers, or after a redelivery.",
				e.Partition, e.Offset, later.Offset)
		}
		res.Explanation = fmt.Sprintf("For key %s, %s published %s (%s) before %s (%s), but %s applied %s first (%s at %s) and %s after it (%s at %s). %s",
			e.Key, producer, e.Event, eventWhat(e.Type, e.Amount), later.Event, eventWhat(later.Type, later.Amount),
			subscriber{group: e.Group, service: e.Service}.name(), later.Event, later.Node, at(later.At), e.Event, e.Node, at(e.At), cause)
	}
	if pairs == 0 {
		return notApplicable(name, "no group applied two events of one key that one producer published to one topic.")
	}
	if inversions > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all came after a later event of their key.", plural(inversions, "event", "events"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("All %d applied events were applied in their key's publish order.", checked)
	return res
}
