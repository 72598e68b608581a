package checks

import (
	"fmt"
	"sort"
	"time"

	"github.com/evsim/evsim/model/history"
)

// SLOBreach is a stretch of simulated time during which a read model was
// further behind the log than its staleness SLO.
type SLOBreach struct {
	// From and To bound the stretch (nanoseconds since the start).
	From, To int64
	// Worst is the largest time behind within it, reached at WorstAt.
	Worst   time.Duration
	WorstAt int64
	// Oldest is the event that had waited Worst at WorstAt: the oldest
	// committed event the read model had not applied.
	Oldest string
}

// SLOBreaches returns the stretches of s over which the read model's time
// behind exceeded slo, up to end, in time order. The time behind grows
// with the clock between samples while events are behind
// ([StalenessSeries.TimeBehindAt]), so a stretch starts at the moment it
// crosses slo, not at the next sample.
func SLOBreaches(s StalenessSeries, slo time.Duration, end int64) []SLOBreach {
	var out []SLOBreach
	for i, p := range s.Points {
		next := end
		if i+1 < len(s.Points) {
			next = s.Points[i+1].At
		}
		if p.EventsBehind == 0 || next < p.At {
			continue
		}
		worst := p.TimeBehind + time.Duration(next-p.At)
		if worst <= slo {
			continue
		}
		from := p.At + max(0, int64(slo-p.TimeBehind))
		if k := len(out); k > 0 && out[k-1].To == from {
			b := &out[k-1]
			b.To = next
			if worst > b.Worst {
				b.Worst, b.WorstAt, b.Oldest = worst, next, p.Oldest
			}
			continue
		}
		out = append(out, SLOBreach{From: from, To: next, Worst: worst, WorstAt: next, Oldest: p.Oldest})
	}
	return out
}

// peakStaleness returns the largest time behind of s up to end and when
// it was reached.
func peakStaleness(s StalenessSeries, end int64) (time.Duration, int64) {
	var worst time.Duration
	var worstAt int64
	for i, p := range s.Points {
		next := end
		if i+1 < len(s.Points) {
			next = s.Points[i+1].At
		}
		if p.EventsBehind == 0 || next < p.At {
			continue
		}
		if d := p.TimeBehind + time.Duration(next-p.At); d > worst {
			worst, worstAt = d, next
		}
	}
	return worst, worstAt
}

// StalenessSLOs returns the staleness SLO each read model of h promises
// (its history.StalenessSLO records; the smallest if several), by group.
func StalenessSLOs(h *history.History) map[string]time.Duration {
	slos := map[string]time.Duration{}
	for _, r := range h.OfKind(history.StalenessSLO) {
		if r.SLO <= 0 {
			continue
		}
		if cur, ok := slos[r.Group]; !ok || time.Duration(r.SLO) < cur {
			slos[r.Group] = time.Duration(r.SLO)
		}
	}
	return slos
}

// StalenessWithinSLO checks every read model that promises a staleness
// SLO (a history.StalenessSLO record) against it: at no moment of the run
// was it further behind the log than the SLO, that is, no committed event
// waited longer than the SLO to be applied while it was the oldest one
// missing. Unlike bounded-staleness, which asks only that the read model
// catches up in the end, this is the consistency window a team promises.
// The witness is the worst breach: the commit of the event that waited
// longest, what happened to the projector meanwhile (crashes, restarts,
// resets, skipped gaps), and the apply that ended the wait.
func StalenessWithinSLO(h *history.History) Result { return stalenessWithinSLO(NewJudgement(h)) }

func stalenessWithinSLO(j *Judgement) Result {
	h := j.h
	res := Result{Check: "staleness-within-slo"}
	slos := StalenessSLOs(h)
	if len(slos) == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no read model in the history promises a staleness SLO (a staleness-slo record; in a scenario, projections[].staleness-slo)."
		return res
	}
	groups := make([]string, 0, len(slos))
	for g := range slos {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	sources := j.projectionTopics()
	logs := j.topicLogs()
	stored := h.Count(history.StoreAppend)
	committed := 0
	for _, g := range groups {
		if t, ok := sources[g]; ok {
			committed += len(logs[t].appends)
		} else {
			committed += stored
		}
	}
	if committed == 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("Not applicable: nothing was committed for the %d read model(s) with a staleness SLO to apply, so none could fall behind.", len(groups))
		return res
	}
	rep := j.staleness(stalenessSeries | stalenessQueries)
	series := map[string]StalenessSeries{}
	for _, s := range rep.Series {
		series[s.Group] = s
	}
	end := lastAt(h)
	var kept, broken []string
	for _, g := range groups {
		slo := slos[g]
		s := series[g]
		bs := SLOBreaches(s, slo, end)
		if len(bs) == 0 {
			worst, worstAt := peakStaleness(s, end)
			kept = append(kept, fmt.Sprintf("read model %s stayed within its %v SLO (its worst: %v behind at %s)", g, slo, worst.Round(time.Microsecond), at(worstAt)))
			continue
		}
		var over time.Duration
		w := bs[0]
		for _, b := range bs {
			over += time.Duration(b.To - b.From)
			if b.Worst > w.Worst {
				w = b
			}
		}
		broken = append(broken, fmt.Sprintf("read model %s was more than its %v SLO behind %d time(s), for %v in all, at worst %v",
			g, slo, len(bs), over, w.Worst.Round(time.Microsecond)))
		if res.Witness == nil {
			res.Witness, res.Explanation = sloWitness(h, g, slo, w)
		}
	}
	if len(broken) == 0 {
		res.Verdict = Holds
		res.Explanation = capitalize(joinAnd(kept)) + "."
		return res
	}
	res.Verdict = Violated
	res.Explanation = capitalize(joinAnd(broken)) + ". " + res.Explanation
	if len(kept) > 0 {
		res.Explanation += " " + capitalize(joinAnd(kept)) + "."
	}
	return res
}

// sloWitness explains the breach b of read model g.
func sloWitness(h *history.History, g string, slo time.Duration, b SLOBreach) ([]history.Entry, string) {
	var commit, ended *history.Entry
	var meanwhile []history.Entry
	topic, fed := projectionTopics(h)[g]
	committed := "committed"
	if fed {
		committed = "appended to " + topic
	}
	// The records are compared in place, by symbol: only those the witness
	// names are unpacked.
	oldest, okOldest := h.Lookup(b.Oldest)
	group, okGroup := h.Lookup(g)
	topicSym, okTopic := h.Lookup(topic)
	for i, r := range h.Compact(history.StoreAppend, history.Append, history.ProjectionApply,
		history.Crash, history.Restart, history.ProjectionReset, history.ProjectionSkip) {
		k := r.Kind()
		switch {
		case commit == nil:
			if okOldest && r.Event == oldest && (!fed && k == history.StoreAppend || fed && okTopic && k == history.Append && r.Topic == topicSym) {
				commit = addr(h.At(i))
			}
		case r.At > b.WorstAt:
		case !okGroup || k == history.StoreAppend || k == history.Append || r.Group != group:
		case k == history.ProjectionApply:
			if okOldest && r.Event == oldest && ended == nil {
				ended = addr(h.At(i))
			}
		case len(meanwhile) < 6:
			meanwhile = append(meanwhile, h.At(i))
		}
	}
	if commit == nil {
		return nil, fmt.Sprintf("The read model fell %v behind at %s.", b.Worst.Round(time.Microsecond), at(b.WorstAt))
	}
	witness := append([]history.Entry{*commit}, meanwhile...)
	var why string
	if ended != nil {
		witness = append(witness, *ended)
		why = fmt.Sprintf("The worst: event %s of %s %s at %s and was applied to read model %s only at %s, %v later; the SLO allows %v.",
			commit.Event, commit.Key, committed, at(commit.At), g, at(ended.At), b.Worst.Round(time.Microsecond), slo)
	} else {
		why = fmt.Sprintf("The worst: event %s of %s, %s at %s, was still missing from read model %s at %s, %v later; the SLO allows %v.",
			commit.Event, commit.Key, committed, at(commit.At), g, at(b.WorstAt), b.Worst.Round(time.Microsecond), slo)
	}
	var parts []string
	for _, r := range meanwhile {
		switch r.Kind {
		case history.Crash:
			parts = append(parts, fmt.Sprintf("crashed at %s (%s)", at(r.At), r.CrashPoint))
		case history.Restart:
			parts = append(parts, fmt.Sprintf("restarted at %s", at(r.At)))
		case history.ProjectionReset:
			parts = append(parts, fmt.Sprintf("was reset for a %s rebuild at %s", r.Rebuild, at(r.At)))
		case history.ProjectionSkip:
			parts = append(parts, fmt.Sprintf("skipped the gap at position %d at %s", r.Position, at(r.At)))
		}
	}
	if len(parts) > 0 {
		why += " Meanwhile its projector " + joinAnd(parts) + "."
	} else {
		why += " The projector was up all along: it polls, batches or processes too slowly for the SLO."
	}
	return witness, why
}
