package checks

import (
	"fmt"
	"sort"
	"time"

	"github.com/evsim/evsim/model/history"
)

// LagWithinSLO checks every service that promises a lag SLO (the slo of
// its subscribe record) against it: each event appended to the service's
// topic is applied by the service (its first effect or dedup of the
// event, or the group's first dead-letter of it) at most the SLO after
// the event's first append. An event the service has not applied by the last record of
// the history has waited until then. Appends written in a transaction
// (with a transactional id, or ended by a commit or abort marker) are
// left out (a read-committed consumer sees them only at the commit).
// With no subscriber that promises an SLO, or nothing appended to a topic
// one of them reads, there is nothing to judge (unknown). The witness is
// the subscribe record, the append of the event that waited longest and
// its application (or the last record); the explanation says how the
// late events spread over the partitions, which names a hot partition.
func LagWithinSLO(h *history.History) Result {
	const name = "lag-within-slo"
	type promise struct {
		sub subscriber
		slo time.Duration
		rec int
	}
	var promises []promise
	for i, r := range h.OfKind(history.Subscribe) {
		if r.Kind == history.Subscribe && r.SLO > 0 && r.Style != history.StyleProjection {
			promises = append(promises, promise{subscriber{r.Group, r.Service, r.Topic, r.Style == history.StyleQueue}, time.Duration(r.SLO), i})
		}
	}
	if len(promises) == 0 {
		return notApplicable(name, "no subscriber promises a lag SLO (a subscribe record with slo; in a scenario, a consumer's lag-slo).")
	}
	// appended is an event's first append outside a transaction: rec is
	// 1 + its index (0: none).
	type appended struct {
		rec, partition int32
		at             int64
		key            history.Sym
	}
	// by topic, then event: an event id sent to two topics is an event of each
	firstIn := map[history.Sym]*symTable[appended]{}
	byTopic := map[history.Sym][]history.Sym{} // the events of each topic
	applied := map[[2]history.Sym]*symIndex{}  // by group and service: the first effect or dedup of each event
	dead := map[history.Sym]*symIndex{}        // by group: its first dead-letter of each event, whichever service
	held := map[[2]string]map[string]string{}  // group and topic, member: the partitions of its last assignment
	var ax *symIndex
	var axOf [2]history.Sym
	txns := transactions(h)
	for i, r := range h.Compact(history.Assign, history.Append, history.Effect, history.Dedup, history.DeadLetter) {
		switch r.KindCode() {
		case codeAssign:
			e := h.At(i) // its partitions live in its side row
			k := [2]string{e.Group, e.Topic}
			if held[k] == nil {
				held[k] = map[string]string{}
			}
			held[k][e.Node] = e.Partitions
		case codeAppend:
			first := firstIn[r.Topic]
			if first == nil {
				first = new(symTable[appended])
				firstIn[r.Topic] = first
			}
			if first.get(r.Event).rec != 0 || h.TxnIDOf(r) != 0 || txns.fate[tpo{tp{h.Str(r.Topic), int(r.Partition)}, r.Offset}] != 0 {
				continue // written in a transaction (a transactional id, or a marker that ended it)
			}
			first.set(r.Event, appended{int32(i + 1), r.Partition, r.At, r.Key})
			byTopic[r.Topic] = append(byTopic[r.Topic], r.Event)
		case codeEffect, codeDedup:
			if k := [2]history.Sym{r.Group, h.Service(r)}; ax == nil || k != axOf {
				if ax = applied[k]; ax == nil {
					ax = new(symIndex)
					applied[k] = ax
				}
				axOf = k
			}
			if _, seen := ax.get(r.Event); !seen {
				ax.set(r.Event, i)
			}
		case codeDeadLetter: // the group's, whichever service (a queue's broker names none)
			x := dead[r.Group]
			if x == nil {
				x = new(symIndex)
				dead[r.Group] = x
			}
			if _, seen := x.get(r.Event); !seen {
				x.set(r.Event, i)
			}
		}
	}
	last := h.Len() - 1
	end := h.Record(last).At
	res := Result{Check: name}
	judged, late := 0, 0
	var worst time.Duration
	var kept []string
	for _, p := range promises {
		var events []history.Sym
		first := new(symTable[appended])
		if topic, ok := h.Lookup(p.sub.topic); ok {
			events = byTopic[topic]
			if firstIn[topic] != nil {
				first = firstIn[topic]
			}
		}
		if len(events) == 0 {
			continue
		}
		judged++
		var done, deadOf *symIndex
		if g, ok := h.Lookup(p.sub.group); ok {
			deadOf = dead[g]
			if svc, ok := h.Lookup(p.sub.service); ok {
				done = applied[[2]history.Sym{g, svc}]
			}
		}
		var n int
		var pw time.Duration
		var pwEvent history.Sym
		var pwApplied int
		var perPartition, eventsIn partSlots[int]
		keysIn := map[history.Sym]int{}
		for _, e := range events {
			a := first.get(e)
			*eventsIn.slot(a.partition)++
			t, by := end, -1
			if i, ok := done.get(e); ok {
				t, by = h.Record(i).At, i
			}
			if i, ok := deadOf.get(e); ok && (by < 0 || i < by) {
				t, by = h.Record(i).At, i
			}
			wait := time.Duration(t - a.at)
			if wait <= p.slo {
				continue
			}
			n++
			*perPartition.slot(a.partition)++
			keysIn[a.key]++
			if wait > pw {
				pw, pwEvent, pwApplied = wait, e, by
			}
		}
		if n == 0 {
			kept = append(kept, fmt.Sprintf("%s (%v, %d events)", p.sub.name(), p.slo, len(events)))
			continue
		}
		late += n
		if pw <= worst {
			continue
		}
		worst = pw
		a := first.get(pwEvent)
		ends, what := last, fmt.Sprintf("had not applied it by the end (%s)", at(end))
		if pwApplied >= 0 {
			ends, what = pwApplied, fmt.Sprintf("applied it at %s", at(h.Record(pwApplied).At))
		}
		keys := make(map[string]int, len(keysIn))
		for k, c := range keysIn {
			keys[h.Str(k)] = c
		}
		res.Witness = pickRecords(h, p.rec, int(a.rec)-1, ends)
		res.Explanation = fmt.Sprintf("%s promises to apply every event of %s within %v of its append, but %d of its %d events waited longer. The worst, %s (key %s, partition %d), was appended at %s and the service %s: %v later.%s",
			p.sub.name(), p.sub.topic, p.slo, n, len(events), h.Str(pwEvent), h.Str(a.key), a.partition, at(a.at), what, pw.Round(time.Millisecond),
			spread(counts(&perPartition), counts(&eventsIn), keys, n, len(events))+idle(held[[2]string{p.sub.group, p.sub.topic}]))
	}
	if judged == 0 {
		return notApplicable(name, "nothing was appended to a topic read by a subscriber with a lag SLO.")
	}
	if late > 0 {
		res.Verdict = Violated
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Every event was applied within its subscriber's lag SLO: %s.", joinAnd(kept))
	return res
}

// counts returns the partitions of s whose count is not zero, with their
// counts.
func counts(s *partSlots[int]) map[int]int {
	m := map[int]int{}
	for p, c := range s.small {
		if c != 0 {
			m[p] = c
		}
	}
	for p, c := range s.other {
		if *c != 0 {
			m[int(p)] = *c
		}
	}
	return m
}

// idle says how many of a group's members held no partition of a topic
// in their last assignment (members maps each to its partitions of the
// topic), if any did.
func idle(members map[string]string) string {
	n := 0
	for _, ps := range members {
		if ps == "" {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" %d of the group's %d members held no partition in their last assignment: a group has no more busy members than its topic has partitions.", n, len(members))
}

// spread says how n late events of total spread over the partitions
// (events of each partition in eventsIn): when most are in one partition,
// it names it, its share of all events and its busiest key.
func spread(late, eventsIn map[int]int, keys map[string]int, n, total int) string {
	parts := make([]int, 0, len(late))
	for p := range late {
		parts = append(parts, p)
	}
	sort.Ints(parts)
	top := parts[0]
	for _, p := range parts {
		if late[p] > late[top] {
			top = p
		}
	}
	if late[top]*5 < n*4 {
		return fmt.Sprintf(" The late events are spread over %d partitions: the group as a whole handles too slowly.", len(parts))
	}
	hot, hotN := "", 0
	for k, c := range keys {
		if c > hotN || c == hotN && k < hot {
			hot, hotN = k, c
		}
	}
	return fmt.Sprintf(" %d of the late events were in partition %d, which took %d%% of the topic's events, and %d were of key %s. One member reads a partition, so a hot partition is handled no faster than one member handles, however many members the group has.",
		late[top], top, eventsIn[top]*100/total, hotN, hot)
}
