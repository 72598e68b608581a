package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// LagAlt is the alt text of [LagChart] for h: what the chart shows in
// words, for a reader who cannot see it.
func LagAlt(h *history.History) string {
	series := LagSeries(h)
	if len(series) == 0 {
		return "Consumer lag chart: the history has no consumer groups."
	}
	var parts []string
	for _, s := range series {
		var worst float64
		var at int64
		for _, p := range s.Points {
			if p.Value > worst {
				worst, at = p.Value, p.At
			}
		}
		last := 0.0
		if n := len(s.Points); n > 0 {
			last = s.Points[n-1].Value
		}
		parts = append(parts, fmt.Sprintf("%s peaks at %.0f events behind at %s and ends %.0f behind", s.Name, worst, time.Duration(at), last))
	}
	return "Consumer lag over simulated time, one line per group: " + strings.Join(parts, "; ") + "." + causesAlt(h)
}

// StalenessAlt is the alt text of [StalenessChart] for h.
func StalenessAlt(h *history.History) string { return StalenessAltOf(checks.NewJudgement(h)) }

// StalenessAltOf is [StalenessAlt] of the history of judgement j, sharing
// the staleness its checks measured.
func StalenessAltOf(j *checks.Judgement) string {
	h := j.History()
	rep := j.Staleness()
	if len(rep.Series) == 0 {
		return "Read-model staleness chart: the history has no read models."
	}
	var names []string
	for _, s := range rep.Series {
		names = append(names, s.Group)
	}
	out := fmt.Sprintf("Read-model staleness over simulated time for %s: events behind on top, time behind below", strings.Join(names, ", "))
	if len(rep.Queries) > 0 {
		out += fmt.Sprintf("; %d queries, the worst %d events and %s behind", len(rep.Queries), rep.MaxEvents, rep.MaxTime)
	}
	slos := checks.StalenessSLOs(h)
	for _, n := range names {
		if slo, ok := slos[n]; ok {
			out += fmt.Sprintf("; %s promises at most %s (dashed line)", n, slo)
		}
	}
	return out + "." + causesAlt(h)
}

// causesAlt lists the crashes, rebalances and expiries a chart marks.
func causesAlt(h *history.History) string {
	var crashes []string
	rebalances, expiries := 0, 0
	for _, r := range h.All() {
		switch r.Kind {
		case history.Crash:
			crashes = append(crashes, fmt.Sprintf("%s at %s", r.Node, time.Duration(r.At)))
		case history.Rebalance:
			rebalances++
		case history.Expire:
			if memberExpiry(r) {
				expiries++
			}
		}
	}
	out := ""
	if len(crashes) > 0 {
		out += fmt.Sprintf(" Crashes (labelled, downtime shaded): %s.", strings.Join(crashes, ", "))
	}
	if rebalances > 0 || expiries > 0 {
		out += fmt.Sprintf(" %d rebalances and %d session expiries are ticked on the time axis.", rebalances, expiries)
	}
	return out
}
