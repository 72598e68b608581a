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
// are left out (a read-committed consumer sees them only at the commit).
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
	type appended struct {
		rec       int
		at        int64
		partition int
		key       string
	}
	first := map[string]appended{} // by event
	byTopic := map[string][]string{}
	applied := map[groupEvent]int{}        // index of the first effect or dedup
	dead := map[groupEvent]int{}           // index of the group's first dead-letter (service "")
	held := map[string]map[string]string{} // group, member: the partitions of its last assignment
	last := -1
	for i, r := range h.All() {
		last = i
		switch r.Kind {
		case history.Assign:
			if held[r.Group] == nil {
				held[r.Group] = map[string]string{}
			}
			held[r.Group][r.Node] = r.Partitions
		case history.Append:
			if r.TxnID != "" {
				continue
			}
			if _, seen := first[r.Event]; !seen {
				first[r.Event] = appended{i, r.At, r.Partition, r.Key}
				byTopic[r.Topic] = append(byTopic[r.Topic], r.Event)
			}
		case history.Effect, history.Dedup:
			k := groupEvent{r.Group, r.Service, r.Event}
			if _, seen := applied[k]; !seen {
				applied[k] = i
			}
		case history.DeadLetter: // the group's, whichever service (a queue's broker names none)
			k := groupEvent{r.Group, "", r.Event}
			if _, seen := dead[k]; !seen {
				dead[k] = i
			}
		}
	}
	end := h.At(last).At
	res := Result{Check: name}
	judged, late := 0, 0
	var worst time.Duration
	var kept []string
	for _, p := range promises {
		events := byTopic[p.sub.topic]
		if len(events) == 0 {
			continue
		}
		judged++
		var n int
		var pw time.Duration
		var pwEvent string
		var pwApplied int
		perPartition := map[int]int{}
		eventsIn := map[int]int{}
		keysIn := map[string]int{}
		for _, e := range events {
			a := first[e]
			eventsIn[a.partition]++
			t, done := end, -1
			if i, ok := applied[groupEvent{p.sub.group, p.sub.service, e}]; ok {
				t, done = h.At(i).At, i
			}
			if i, ok := dead[groupEvent{p.sub.group, "", e}]; ok && (done < 0 || i < done) {
				t, done = h.At(i).At, i
			}
			wait := time.Duration(t - a.at)
			if wait <= p.slo {
				continue
			}
			n++
			perPartition[a.partition]++
			keysIn[a.key]++
			if wait > pw {
				pw, pwEvent, pwApplied = wait, e, done
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
		a := first[pwEvent]
		ends, what := last, fmt.Sprintf("had not applied it by the end (%s)", at(end))
		if pwApplied >= 0 {
			ends, what = pwApplied, fmt.Sprintf("applied it at %s", at(h.At(pwApplied).At))
		}
		res.Witness = pickRecords(h, p.rec, a.rec, ends)
		res.Explanation = fmt.Sprintf("%s promises to apply every event of %s within %v of its append, but %d of its %d events waited longer. The worst, %s (key %s, partition %d), was appended at %s and the service %s: %v later.%s",
			p.sub.name(), p.sub.topic, p.slo, n, len(events), pwEvent, a.key, a.partition, at(a.at), what, pw.Round(time.Millisecond),
			spread(perPartition, eventsIn, keysIn, n, len(events))+idle(held[p.sub.group]))
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

// idle says how many of a group's members held no partition in their
// last assignment (members maps each to its partitions), if any did.
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
