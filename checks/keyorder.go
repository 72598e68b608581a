package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// addedBefore returns the index of the last add-partitions record of
// topic before record index end, or -1.
func addedBefore(h *history.History, topic string, end int) int {
	for i := end - 1; i >= 0; i-- {
		if r := h.At(i); r.Kind == history.AddPartitions && r.Topic == topic {
			return i
		}
	}
	return -1
}

// movedOnce reports whether producer's publishes of key to topic went to
// one partition and, at most once and only after record index grown, moved
// to another for good, as a key-hash partitioner's do once the producer
// learns of a new partition count.
func movedOnce(h *history.History, producer, topic, key string, grown int) bool {
	cur, moved := -1, false
	for i, r := range h.OfKind(history.Publish) {
		if r.Kind != history.Publish || r.Node != producer || r.Topic != topic || r.Key != key || r.Partition == cur {
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
// one key in the order their producer published them. Its witness is two
// events of one key: both publishes and both (first) effects, the later
// event applied first. The explanation names the likely cause: the key's
// events in different partitions (partitions added to the topic between
// the two publishes, or a partitioner that ignores the key), out of order
// in one partition, or handled out of order by the consumers. With no group that applied two
// events of one key from one producer, there is nothing to judge
// (unknown).
func KeyOrder(h *history.History) Result {
	const name = "key-order"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	type pk struct{ producer, key string }
	type pub struct {
		idx int // index in the key's publish order
		rec int // index of the Publish record
		pk  pk
	}
	pubs := map[string]pub{}
	count := map[pk]int{}
	for i, r := range h.OfKind(history.Publish) {
		if r.Kind == history.Publish {
			k := pk{r.Node, r.Key}
			if _, dup := pubs[r.Event]; !dup {
				pubs[r.Event] = pub{count[k], i, k}
				count[k]++
			}
		}
	}
	type gpk struct {
		group, service string
		pk
	}
	last := map[gpk]int{} // index of the Effect with the highest publish index so far
	applied := map[groupEvent]bool{}
	var inversions, checked, pairs int
	for i, r := range h.OfKind(history.Effect) {
		ge := groupEvent{r.Group, r.Service, r.Event}
		p, ok := pubs[r.Event]
		if applied[ge] || !ok {
			continue
		}
		applied[ge] = true
		checked++
		k := gpk{r.Group, r.Service, p.pk}
		j, seen := last[k]
		if seen {
			pairs++
		}
		if !seen || pubs[h.At(j).Event].idx < p.idx {
			last[k] = i
			continue
		}
		inversions++
		if res.Witness != nil {
			continue
		}
		later := h.At(j)
		added := addedBefore(h, r.Topic, pubs[later.Event].rec)
		if added >= 0 && !movedOnce(h, p.pk.producer, r.Topic, r.Key, added) {
			added = -1 // the key was spread before the growth too: the partitioner ignores the key
		}
		res.Witness = pickRecords(h, p.rec, pubs[later.Event].rec, j, i)
		var cause string
		switch {
		case later.Partition != r.Partition && added >= 0:
			grown := h.At(added)
			res.Witness = pickRecords(h, p.rec, pubs[later.Event].rec, j, i, added)
			cause = fmt.Sprintf("The two are in different partitions (%d and %d): partitions were added to the topic (%s grew to %d partitions at %s) before the later one was published, and the key's hash modulo the new count picks another partition. Its older event still waited in the old partition, read independently. Adding partitions to a keyed topic breaks each key's order: stop the producers and let the consumers drain the old partitions first, or create the topic with enough partitions.",
				r.Partition, later.Partition, grown.Topic, grown.Count, at(grown.At))
		case later.Partition != r.Partition:
			cause = fmt.Sprintf("The two are in different partitions (%d and %d): the partitioner spread one key over several partitions, and partitions are consumed independently. Partition by key so that a key's events share one ordered log.",
				r.Partition, later.Partition)
		case later.Offset < r.Offset:
			cause = fmt.Sprintf("The log itself holds them out of order (offsets %d and %d of partition %d): the producer had more than one request in flight, the earlier one failed, and its retry landed after the later one. Use the idempotent producer (or one request in flight).",
				later.Offset, r.Offset, r.Partition)
		default:
			cause = fmt.Sprintf("They are in order in partition %d (offsets %d and %d), but were handled out of order: by competing consumers or concurrent workers, or after a redelivery.",
				r.Partition, r.Offset, later.Offset)
		}
		res.Explanation = fmt.Sprintf("For key %s, %s published %s (%s %d) before %s (%s %d), but %s applied %s first (%s at %s) and %s after it (%s at %s). %s",
			r.Key, p.pk.producer, r.Event, r.Type, r.Amount, later.Event, later.Type, later.Amount,
			subscriber{group: r.Group, service: r.Service}.name(), later.Event, later.Node, at(later.At), r.Event, r.Node, at(r.At), cause)
	}
	if pairs == 0 {
		return notApplicable(name, "no group applied two published events of one key from one producer.")
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
