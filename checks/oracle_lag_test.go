package checks

import (
	"fmt"
	"testing"

	"github.com/evsim/evsim/model/history"
	"pgregory.net/rapid"
)

// Oracle of lag-within-slo, written from its definition in
// scenarios/FORMAT.md by brute force: for every subscriber with an SLO and
// every event appended (outside a transaction) to its topic, find the
// first such append, then the subscriber's first effect or dedup of the
// event or its group's first dead-letter of it (else the last record),
// by scanning the whole history again each time.
func oracleLagWithinSLO(h *history.History) Verdict {
	n := h.Len()
	var subs []history.Entry
	for _, r := range h.All() {
		if r.Kind == history.Subscribe && r.SLO > 0 && r.Style != history.StyleProjection {
			subs = append(subs, r)
		}
	}
	if len(subs) == 0 || n == 0 {
		return Unknown
	}
	lastAt := h.At(n - 1).At
	judged, late := false, false
	for _, s := range subs {
		for i, a := range h.All() {
			if a.Kind != history.Append || a.TxnID != "" || oracleFate(h, a) != "" || a.Topic != s.Topic {
				continue
			}
			firstAppend := true
			for j := 0; j < i; j++ {
				if q := h.At(j); q.Kind == history.Append && q.TxnID == "" && oracleFate(h, q) == "" && q.Event == a.Event && q.Topic == a.Topic {
					firstAppend = false
				}
			}
			if !firstAppend {
				continue
			}
			judged = true
			done := lastAt
			for _, r := range h.All() {
				mine := (r.Kind == history.Effect || r.Kind == history.Dedup) && r.Group == s.Group && r.Service == s.Service
				dead := r.Kind == history.DeadLetter && r.Group == s.Group
				if (mine || dead) && r.Event == a.Event {
					done = r.At
					break
				}
			}
			if done-a.At > s.SLO {
				late = true
			}
		}
	}
	switch {
	case !judged:
		return Unknown
	case late:
		return Violated
	}
	return Holds
}

// drawLagHistory draws a tiny history of an abstract system: one or two
// subscriptions (to topic t or u, with an SLO or none), appends of events
// to t or u in two partitions (some in a transaction, named on the append
// or by its commit marker, some appended
// twice, to the same topic or the other one), effects, dedups and dead-letters of appended events by the
// subscribers (some late, some never), assignments, and filler records,
// in time order.
func drawLagHistory(t *rapid.T) *history.History {
	h := &history.History{}
	type sub struct{ group, service, topic string }
	subs := []sub{{"g", "", "t"}}
	if rapid.Bool().Draw(t, "two") {
		subs = append(subs, sub{rapid.SampledFrom([]string{"g", "h"}).Draw(t, "group2"), "s2", rapid.SampledFrom([]string{"t", "u"}).Draw(t, "topic2")})
	}
	for i, s := range subs {
		slo := rapid.SampledFrom([]int64{0, 10, 25}).Draw(t, fmt.Sprintf("slo%d", i))
		h.Add(history.Entry{Kind: history.Subscribe, Group: s.group, Service: s.service, Topic: s.topic, SLO: slo})
	}
	var now int64
	var events []history.Entry // appended events
	next := map[string]int64{} // the next offset of each topic/partition
	place := func(r *history.Entry) {
		k := fmt.Sprintf("%s/%d", r.Topic, r.Partition)
		r.Offset = next[k]
		next[k]++
	}
	steps := rapid.IntRange(0, 12).Draw(t, "steps")
	for k := range steps {
		now += rapid.Int64Range(0, 15).Draw(t, fmt.Sprintf("gap%d", k))
		switch op := rapid.IntRange(0, 6).Draw(t, fmt.Sprintf("op%d", k)); {
		case op <= 1 || len(events) == 0:
			r := history.Entry{At: now, Kind: history.Append, Node: "broker", Topic: rapid.SampledFrom([]string{"t", "t", "u"}).Draw(t, fmt.Sprintf("topic%d", k)),
				Partition: rapid.IntRange(0, 1).Draw(t, fmt.Sprintf("part%d", k)), Event: fmt.Sprintf("e%d", len(events)),
				Key: rapid.SampledFrom([]string{"a", "b"}).Draw(t, fmt.Sprintf("key%d", k))}
			place(&r)
			switch rapid.IntRange(0, 8).Draw(t, fmt.Sprintf("txn%d", k)) {
			case 0: // in a transaction, named on the append
				r.TxnID = "x"
			case 1: // in a transaction its commit marker ends
				r.ProducerID = 5
			}
			h.Add(r)
			events = append(events, r)
			if r.ProducerID != 0 {
				m := history.Entry{At: now, Kind: history.TxnCommit, Node: "tp", TxnID: "tp", ProducerID: 5, Topic: r.Topic, Partition: r.Partition}
				place(&m)
				h.Add(m)
			}
		case op == 2:
			e := rapid.SampledFrom(events).Draw(t, fmt.Sprintf("again%d", k))
			e.At, e.TxnID, e.ProducerID = now, "", 0
			if rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("elsewhere%d", k)) == 0 {
				e.Topic = map[string]string{"t": "u", "u": "t"}[e.Topic] // the same id sent to the other topic
			}
			place(&e)
			h.Add(e) // appended again (a retry)
		case op <= 5:
			e := rapid.SampledFrom(events).Draw(t, fmt.Sprintf("ev%d", k))
			s := rapid.SampledFrom(subs).Draw(t, fmt.Sprintf("sub%d", k))
			kind := rapid.SampledFrom([]history.Kind{history.Effect, history.Effect, history.Dedup, history.DeadLetter}).Draw(t, fmt.Sprintf("kind%d", k))
			r := history.Entry{At: now, Kind: kind, Node: s.group + "-0", Group: s.group, Service: s.service, Topic: e.Topic,
				Partition: e.Partition, Event: e.Event, Key: e.Key}
			if kind == history.DeadLetter {
				r.Node, r.Service = "broker", ""
			}
			h.Add(r)
		default:
			h.Add(history.Entry{At: now, Kind: history.Assign, Node: "g-0", Group: "g", Topic: "t",
				Partitions: rapid.SampledFrom([]string{"", "0", "0,1"}).Draw(t, fmt.Sprintf("assign%d", k))})
		}
	}
	return h
}

// TestLagWithinSLOAgreesWithOracle: on drawn histories, lag-within-slo
// agrees with its oracle, gives a witness when violated and a reason
// otherwise, and each verdict is reached.
func TestLagWithinSLOAgreesWithOracle(t *testing.T) {
	seen := map[Verdict]int{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawLagHistory(t)
		got, want := LagWithinSLO(h), oracleLagWithinSLO(h)
		if got.Verdict != want {
			t.Fatalf("lag-within-slo says %s, its oracle %s: %s\nhistory:\n%s", got.Verdict, want, got.Explanation, describe(h))
		}
		if got.Verdict == Violated && len(got.Witness) == 0 {
			t.Fatalf("violated without a witness: %s", got.Explanation)
		}
		if got.Verdict != Violated && got.Explanation == "" {
			t.Fatalf("%s without a reason", got.Verdict)
		}
		seen[got.Verdict]++
	})
	t.Logf("lag-within-slo: %d holds, %d violated, %d unknown", seen[Holds], seen[Violated], seen[Unknown])
	for _, v := range []Verdict{Holds, Violated, Unknown} {
		if seen[v] == 0 {
			t.Errorf("no history drawn was judged %s", v)
		}
	}
}
