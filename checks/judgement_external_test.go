package checks_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// judgeAlone runs every check of the catalog on h on its own, in the
// order of checks.Names.
func judgeAlone(h *history.History) []checks.Result {
	return judgeEach(func(c checks.Check) checks.Result { return c.Run(h) })
}

// judgeShared runs every check of the catalog through judgement j.
func judgeShared(j *checks.Judgement) []checks.Result { return judgeEach(j.Run) }

// judgeEach returns run of every check of the catalog, in the order of
// checks.Names.
func judgeEach(run func(checks.Check) checks.Result) []checks.Result {
	var out []checks.Result
	for _, n := range checks.Names() {
		c, _ := checks.Lookup(n)
		out = append(out, run(c))
	}
	return out
}

// sameResults requires the results of one judgement to equal those of the
// checks run alone: verdicts, explanations and witnesses.
func sameResults(t *testing.T, what string, shared, alone []checks.Result) {
	t.Helper()
	for i := range alone {
		if !reflect.DeepEqual(shared[i], alone[i]) {
			t.Fatalf("%s: %s through a judgement: %s: %s; alone: %s: %s", what, alone[i].Check,
				shared[i].Verdict, shared[i].Explanation, alone[i].Verdict, alone[i].Explanation)
		}
	}
}

// Every check run through one judgement, which shares the passes several
// of them make, gives what it gives alone, on scenarios whose checks
// share them (aggregates, read models of the store and of a topic,
// staleness, transactions, subscriptions, effects).
func TestJudgementSharesPassesWithTheSameResults(t *testing.T) {
	for _, name := range []string{"stale-read", "gap-skipped", "cart-checkout", "topic-projection-same-tx", "double-credit", "snapshot-drift",
		"rebalance-storm", "read-committed", "aborted-read", "idempotent-consumer"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, seed := range []uint64{s.Seed, 7} {
			o, err := s.Run(seed)
			if err != nil {
				t.Fatal(err)
			}
			j := checks.NewJudgement(o.History)
			sameResults(t, name, judgeShared(j), judgeAlone(o.History))
			if !reflect.DeepEqual(j.Staleness(), checks.Staleness(o.History)) {
				t.Fatalf("%s: the staleness a judgement shares differs from the history's", name)
			}
		}
	}
}

// A history changed between two judgements is judged as it is the second
// time: changed in place ([history.History.Set]) under a kept judgement, or grown
// while one judgement is kept, whose passes are then made afresh.
func TestJudgementOfAChangedHistory(t *testing.T) {
	s, err := scenarios.Builtin("checkpoint-same-tx")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	h := history.FromEntries(o.History.Entries())
	check := func(j *checks.Judgement, name string, want checks.Verdict) checks.Result {
		t.Helper()
		c, _ := checks.Lookup(name)
		r := j.Run(c)
		if r.Verdict != want {
			t.Fatalf("%s: %s, want %s: %s", name, r.Verdict, want, r.Explanation)
		}
		if alone := c.Run(h); !reflect.DeepEqual(r, alone) {
			t.Fatalf("%s through a judgement differs from alone: %s / %s", name, r.Explanation, alone.Explanation)
		}
		return r
	}
	j := checks.NewJudgement(h)
	check(j, "projection-equals-fold", checks.Holds)
	check(j, "bounded-staleness", checks.Holds)
	check(j, "no-hole-below-checkpoint", checks.Holds)
	before, measured := j.WorstQueryStaleness()

	// An applied row altered in place, the history's length unchanged:
	// the same judgement, kept, sees the change.
	i := -1
	for k, r := range h.All() {
		if r.Kind == history.ProjectionApply {
			i = k
		}
	}
	if i < 0 {
		t.Fatal("no apply to alter")
	}
	e := h.At(i)
	e.Value++
	h.Set(i, e)
	check(j, "projection-equals-fold", checks.Violated)
	check(j, "bounded-staleness", checks.Holds)
	e.Value--
	h.Set(i, e)

	// A commit added after the end that no read model applied: the same
	// judgement, kept, sees the history grew.
	j = checks.NewJudgement(h)
	check(j, "bounded-staleness", checks.Holds)
	if w, ok := j.WorstQueryStaleness(); w != before || ok != measured {
		t.Fatalf("worst query staleness %v %v, want %v %v", w, ok, before, measured)
	}
	var last history.Entry
	for _, r := range h.All() {
		if r.Kind == history.StoreAppend && r.Position > last.Position {
			last = r
		}
	}
	late := last
	late.At, late.Event, late.Command = h.MaxAt(), last.Event+"-late", last.Command+"-late"
	late.Version, late.Position = last.Version+1, last.Position+1
	h.Add(late)
	// and a query of the read model, 10 s later, that it leaves behind
	h.Add(history.Entry{At: late.At + 10*int64(time.Second), Kind: history.QueryReturn, Node: "reader", Key: late.Key,
		Group: e.Group, Outcome: history.OutcomeOK, Version: 1})
	r := check(j, "bounded-staleness", checks.Violated)
	if len(r.Witness) == 0 {
		t.Fatalf("bounded-staleness on the grown history: no witness: %s", r.Explanation)
	}
	if w, ok := j.WorstQueryStaleness(); w != 10*time.Second || !ok {
		t.Fatalf("worst query staleness of the grown history %v %v, want 10s (before: %v)", w, ok, before)
	}
	sameResults(t, "grown", judgeShared(j), judgeAlone(h))
}

// A judgement kept while its history is rewritten in place to another of
// the same length ([history.History.SetEntries]) judges the new records,
// not the passes it made of the old: for every pair of these histories,
// every check through the kept judgement gives what it gives alone.
func TestKeptJudgementOfARewrittenHistory(t *testing.T) {
	var runs [][]history.Entry
	for _, name := range []string{"stale-read", "read-your-writes-token", "gap-skipped", "topic-projection-same-tx", "read-committed"} {
		runs = append(runs, run(t, name).Entries())
	}
	for a := range runs {
		for b := range runs {
			if a == b {
				continue
			}
			n := min(len(runs[a]), len(runs[b]))
			h := history.FromEntries(runs[a][:n])
			j := checks.NewJudgement(h)
			judgeShared(j)
			h.SetEntries(runs[b][:n])
			sameResults(t, "rewritten history", judgeShared(j), judgeAlone(h))
		}
	}
}
