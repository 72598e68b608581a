package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// Read models fed by a topic (topic projections). A read model reads a
// topic when the history has a Subscribe record of Style
// history.StyleProjection for it, or when its ProjectionApply or Checkpoint
// records carry a Topic. Its log is then the topic's Append records (those
// of aborted transactions left out: they were never committed), not
// the event store's: a row is the fold of its key's records in the topic
// (in offset order: one key lives in one partition when the producer
// partitions by key), its version counts the records applied, and its
// checkpoint is per partition (the next offset to read).

// projectionTopics returns the source of each read model fed by a topic:
// the topic it reads, or, for one that reads several, their names sorted
// and joined by "+" (a character no Kafka topic name holds; see
// [sourceTopics]), whose log is theirs merged.
func projectionTopics(h *history.History) map[string]string {
	topics := map[string][]string{}
	for i, r := range h.Compact(history.Subscribe, history.ProjectionApply, history.Checkpoint) {
		switch {
		case r.KindCode() == codeSubscribe && h.At(i).Style == history.StyleProjection,
			r.KindCode() != codeSubscribe && r.Topic != 0:
			g, t := h.Str(r.Group), h.Str(r.Topic)
			if !slices.Contains(topics[g], t) {
				topics[g] = append(topics[g], t)
			}
		}
	}
	out := make(map[string]string, len(topics))
	for g, ts := range topics {
		slices.Sort(ts)
		out[g] = strings.Join(ts, "+")
	}
	return out
}

// sourceTopics returns the topics of a read model's source (see
// [projectionTopics]).
func sourceTopics(src string) []string { return strings.Split(src, "+") }

// sourceName names a read model's source in a sentence: "topic a", or
// "topics a and b".
func sourceName(src string) string {
	ts := sourceTopics(src)
	if len(ts) == 1 {
		return "topic " + src
	}
	return "topics " + joinAnd(ts)
}

// topicLog is what the projection checks need of one topic's log.
type topicLog struct {
	// recs[key] are the indexes of the key's Append records, in the order
	// the broker appended them.
	recs map[string][]int
	// spread holds the keys whose records lie in more than one partition:
	// their order across partitions is not defined, so no prefix is.
	spread map[string]bool
	part   map[string]int
	// ends is one past the highest offset appended, per partition.
	ends map[int]int64
	// appends are the indexes of the topic's Append records.
	appends []int
}

// topicLogsOf reads the log of every topic that feeds a read model, with
// the [transactions] of h from txns, called only if a topic feeds one.
func topicLogsOf(h *history.History, sources map[string]string, txns func() *txnLog) map[string]*topicLog {
	logs := map[string]*topicLog{}
	for _, src := range sources {
		for _, t := range sourceTopics(src) {
			if logs[t] == nil {
				logs[t] = &topicLog{recs: map[string][]int{}, spread: map[string]bool{}, part: map[string]int{}, ends: map[int]int64{}}
			}
		}
	}
	if len(logs) == 0 {
		return logs
	}
	fates := txns().fate
	for i, r := range h.Compact(history.Append) {
		topic := h.Str(r.Topic)
		l := logs[topic]
		if l == nil {
			continue
		}
		part, key := int(r.Partition), h.Str(r.Key)
		if fates[tpo{tp{topic, part}, r.Offset}] == fateAborted {
			continue // never committed: not part of the stream
		}
		if _, ok := l.recs[key]; !ok {
			l.part[key] = part
		}
		if l.part[key] != part {
			l.spread[key] = true
		}
		l.recs[key] = append(l.recs[key], i)
		l.ends[part] = max(l.ends[part], r.Offset+1)
		l.appends = append(l.appends, i)
	}
	for _, src := range sources {
		if ts := sourceTopics(src); len(ts) > 1 && logs[src] == nil {
			logs[src] = mergedLog(logs, ts)
		}
	}
	return logs
}

// mergedLog is the log of a read model that reads the topics ts: their
// records in the order they were appended. A key with records in two
// topics is spread: its records have no order between them.
func mergedLog(logs map[string]*topicLog, ts []string) *topicLog {
	m := &topicLog{recs: map[string][]int{}, spread: map[string]bool{}, part: map[string]int{}, ends: map[int]int64{}}
	in := map[string]int{} // the topics each key has records in
	for _, t := range ts {
		l := logs[t]
		m.appends = append(m.appends, l.appends...)
		for key, recs := range l.recs {
			m.recs[key] = append(m.recs[key], recs...)
			in[key]++
			if l.spread[key] {
				m.spread[key] = true
			}
		}
	}
	slices.Sort(m.appends)
	for key, recs := range m.recs {
		slices.Sort(recs)
		if in[key] > 1 {
			m.spread[key] = true
		}
	}
	return m
}

// topicFold returns projection p's fold of each prefix of a key's records
// in a topic (indexes of their Append records, in order): f[n] is the row
// after the first n, the n-th folded at version n.
func topicFold(h *history.History, p domain.Projection, recs []int) []int64 {
	f := make([]int64, 1, len(recs)+1)
	for n, i := range recs {
		f = append(f, p.Apply(f[n], eventOf(h.At(i), int64(n+1))))
	}
	return f
}

// topicCheckpoint is a read model's view of one partition.
type topicCheckpoint struct {
	group, topic string
	partition    int
}

// topicHoles is NoHoleBelowCheckpoint for the read models fed by a topic:
// every record below a partition's highest checkpoint was applied. It
// returns the number of holes, the number of records judged (below a
// checkpoint) and, for the first hole, a witness and an explanation.
func topicHoles(h *history.History, sources map[string]string, logs map[string]*topicLog) (int, int, []history.Entry, string) {
	if len(sources) == 0 {
		return 0, 0, nil, ""
	}
	applied := map[topicCheckpoint]map[int64]bool{}
	highest := map[topicCheckpoint]int{}
	for i, r := range h.Compact(history.ProjectionApply, history.Checkpoint) {
		if r.Topic == 0 {
			continue
		}
		g := h.Str(r.Group)
		if _, ok := sources[g]; !ok {
			continue
		}
		k := topicCheckpoint{g, h.Str(r.Topic), int(r.Partition)}
		switch r.KindCode() {
		case codeProjectionApply:
			if applied[k] == nil {
				applied[k] = map[int64]bool{}
			}
			applied[k][r.Offset] = true
		case codeCheckpoint:
			if j, ok := highest[k]; !ok || r.Offset > h.Record(j).Offset {
				highest[k] = i
			}
		}
	}
	holes, judged := 0, 0
	var witness []history.Entry
	var why string
	for _, g := range sortedKeys(sources) {
		l := logs[sources[g]]
		for _, i := range l.appends {
			c := h.Record(i)
			k := topicCheckpoint{g, h.Str(c.Topic), int(c.Partition)}
			j, ok := highest[k]
			if !ok || c.Offset >= h.Record(j).Offset {
				continue
			}
			judged++
			if applied[k][c.Offset] {
				continue
			}
			holes++
			if witness != nil {
				continue
			}
			e := h.At(i)
			// the first checkpoint of the partition that passed the record
			passed := h.At(j)
			gy, _ := h.Lookup(g)
			for x, r := range h.Compact(history.Checkpoint) {
				if r.Group == gy && r.Topic == c.Topic && r.Partition == c.Partition && r.Offset > c.Offset {
					passed = h.At(x)
					break
				}
			}
			witness = []history.Entry{e, passed}
			sort.SliceStable(witness, func(a, b int) bool { return witness[a].At < witness[b].At })
			why = fmt.Sprintf("Read model %s checkpointed %s/%d at offset %d (%s), but record %s of %s at offset %d was never applied to it: "+
				"the projector's reads went past it (retention deleting it before it was read, or a position moved without applying what lay below). "+
				"The projector will never read below its checkpoint again, so the record is lost to it.",
				g, e.Topic, e.Partition, passed.Offset, at(passed.At), e.Event, e.Key, e.Offset)
		}
	}
	return holes, judged, witness, why
}

// topicBehind is BoundedStaleness for the read models fed by a topic: one
// sentence per read model whose checkpoint of some partition is below the
// partition's end at the end of the run, and, for the first, a witness.
func topicBehind(h *history.History, sources map[string]string, logs map[string]*topicLog, end int64) ([]string, []history.Entry, string) {
	last := map[topicCheckpoint]int{}
	for i, r := range h.Compact(history.Checkpoint) {
		if r.Topic != 0 {
			if g := h.Str(r.Group); hasKey(sources, g) {
				last[topicCheckpoint{g, h.Str(r.Topic), int(r.Partition)}] = i
			}
		}
	}
	var behind []string
	var witness []history.Entry
	var why string
	for _, g := range sortedKeys(sources) {
		l := logs[sources[g]]
		n, oldest := 0, -1
		for _, i := range l.appends {
			e := h.Record(i)
			var cp int64
			if j, ok := last[topicCheckpoint{g, h.Str(e.Topic), int(e.Partition)}]; ok {
				cp = h.Record(j).Offset
			}
			if e.Offset >= cp {
				n++
				if oldest < 0 {
					oldest = i
				}
			}
		}
		if n == 0 {
			continue
		}
		o := h.At(oldest)
		var cp int64
		j, ok := last[topicCheckpoint{g, o.Topic, o.Partition}]
		if ok {
			cp = h.At(j).Offset
		}
		behind = append(behind, fmt.Sprintf("read model %s has checkpointed offset %d of %s/%d: %d record(s) of %s not handled, the oldest (%s/%d offset %d) appended %v ago",
			g, cp, o.Topic, o.Partition, n, o.Topic, o.Topic, o.Partition, o.Offset, time.Duration(end-o.At)))
		if witness != nil {
			continue
		}
		if ok {
			witness = append(witness, h.At(j))
		}
		witness = append(witness, o)
		sort.SliceStable(witness, func(a, b int) bool { return witness[a].At < witness[b].At })
		why = "The projector never got past it."
	}
	return behind, witness, why
}

// projectionRepeats is DuplicateDeliveryInvariance for the read models fed
// by a topic: an event applied to a read model again, whether the
// projector read its record again or the topic holds it twice, must leave
// its row as it was. It returns the repeats, how many changed the row,
// and a witness and explanation for the first that did.
func projectionRepeats(h *history.History, sources map[string]string) (repeats, changed int, witness []history.Entry, why string) {
	type gk struct{ group, key string }
	type gr struct{ group, id string }
	row := map[gk]int64{}
	first := map[gr]int{}
	for i, r := range h.OfKind(history.ProjectionApply) {
		if r.Topic == "" {
			continue
		}
		if _, ok := sources[r.Group]; !ok {
			continue
		}
		k := gk{r.Group, r.Key}
		before := row[k]
		row[k] = r.Value
		id := gr{r.Group, r.Event}
		j, seen := first[id]
		if !seen {
			first[id] = i
			continue
		}
		repeats++
		if r.Value == before {
			continue
		}
		changed++
		if witness != nil {
			continue
		}
		crash := -1
		for x := j + 1; x < i; x++ {
			if c := h.At(x); c.Kind == history.Crash && c.Group == r.Group && crash < 0 {
				crash = x
			}
		}
		// the checkpoint of the partition in force when the record was read again
		cp := -1
		for x := j + 1; x < i; x++ {
			if c := h.At(x); c.Kind == history.Checkpoint && c.Group == r.Group && c.Topic == r.Topic && c.Partition == r.Partition {
				cp = x
			}
		}
		a := h.At(j)
		if a.Partition != r.Partition || a.Offset != r.Offset {
			witness = pickRecords(h, j, i)
			why = fmt.Sprintf("Event %s (%s to %s) was applied to read model %s twice, which moved %s from %d to %d: the topic holds it twice, "+
				"at %s/%d offset %d (applied at %s) and at %s/%d offset %d (applied at %s). A producer or an outbox relay published it again; "+
				"the projector applied every record of the log once, and so the event twice. Skip event ids the read model has applied, in its transaction, or publish idempotently.",
				r.Event, eventWhat(r.Type, r.Amount), r.Key, r.Group, r.Key, before, r.Value, a.Topic, a.Partition, a.Offset, at(a.At), r.Topic, r.Partition, r.Offset, at(r.At))
			continue
		}
		witness = pickRecords(h, j, crash, i)
		why = fmt.Sprintf("Record %s (%s to %s) at %s/%d offset %d was applied to read model %s twice: by %s at %s, and again at %s, which moved %s from %d to %d.",
			r.Event, eventWhat(r.Type, r.Amount), r.Key, r.Topic, r.Partition, r.Offset, r.Group, a.Node, at(a.At), at(r.At), r.Key, before, r.Value)
		if crash >= 0 {
			c := h.At(crash)
			why += fmt.Sprintf(" %s crashed at %s (%s) after the rows were committed", c.Node, at(c.At), c.CrashPoint)
			if cp < 0 || h.At(cp).Offset <= r.Offset {
				why += fmt.Sprintf(" and before its checkpoint of %s/%d passed offset %d, so it read the record again after the restart.", r.Topic, r.Partition, r.Offset)
			} else {
				why += "."
			}
		}
		why += " The row depends on how many times the projector read the record. Commit the partition's offset in the read model's transaction, or make the projection skip records it has applied."
	}
	return repeats, changed, witness, why
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
