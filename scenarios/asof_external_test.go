package scenarios_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestAsOfMutation: as-of-equals-fold holds on the fixed twin
// as-of-commit-time, and flips to violated when one as-of answer is
// planted wrong: its value off by one, or the stream's next event (one
// committed after the time asked about) counted in. stream-integrity,
// which the plants do not concern, keeps holding.
func TestAsOfMutation(t *testing.T) {
	h := esFixed(t, "as-of-commit-time", "as-of-equals-fold", "stream-integrity")
	es := h.Entries()
	// the first answered as-of query whose stream has an event committed
	// after the time it asks about
	var stored []history.Entry
	at := -1
	var next history.Entry
	for i, r := range es {
		if r.Kind == history.StoreAppend {
			stored = append(stored, r)
		}
		if at >= 0 || r.Kind != history.QueryReturn || r.Mode != history.ModeAsOf || r.Outcome != history.OutcomeOK {
			continue
		}
		for _, s := range stored {
			if s.Key == r.Key && s.Version == r.Version+1 && s.At > r.Until {
				at, next = i, s
				break
			}
		}
	}
	if at < 0 {
		t.Fatal("no as-of answer with a later event committed before it was answered")
	}
	plants := []struct {
		name  string
		plant func(e *history.Entry)
	}{
		{"value off by one", func(e *history.Entry) { e.Value++ }},
		{"next event counted", func(e *history.Entry) {
			e.Version++
			switch next.Type {
			case "Deposited":
				e.Value += next.Amount
			case "Withdrawn":
				e.Value -= next.Amount
			}
		}},
	}
	for _, p := range plants {
		m := history.FromEntries(h.Entries())
		e := m.At(at)
		p.plant(&e)
		m.Set(at, e)
		esWant(t, m, "as-of-equals-fold", checks.Violated, "as of")
		if r := esJudge(t, m, "stream-integrity"); r.Verdict != checks.Holds {
			t.Errorf("%s: stream-integrity %s after the plant: %s", p.name, r.Verdict, r.Explanation)
		}
	}
}

// TestAsOfJSONLRoundTrip: an as-of history read back from its JSON Lines,
// as evsim check reads it, keeps the time each query asked about and
// gets the same verdict and explanation: the broken twin's violation and
// the fixed twin's hold.
func TestAsOfJSONLRoundTrip(t *testing.T) {
	for name, want := range map[string]checks.Verdict{"as-of-client-stamp": checks.Violated, "as-of-commit-time": checks.Holds} {
		o := run(t, builtin(t, name), 1)
		h, err := history.ReadJSONL(name+".jsonl", bytes.NewReader(jsonl(t, o)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		direct, read := esJudge(t, o.History, "as-of-equals-fold"), esJudge(t, h, "as-of-equals-fold")
		if direct.Verdict != want || read.Verdict != want || read.Explanation != direct.Explanation {
			t.Errorf("%s: %s directly, %s read back, want %s:\n  %s\n  %s", name, direct.Verdict, read.Verdict, want,
				direct.Explanation, read.Explanation)
		}
	}
}

// TestAsOfParse: an as-of query client needs a lookback above zero and a
// known clock; as-of-by defaults to commit.
func TestAsOfParse(t *testing.T) {
	base := "name: x\nduration: 1s\nchecks: [as-of-equals-fold]\nclients:\n  - name: teller\n    rate: 10/s\n    commands:\n      - type: Open\n" +
		"queries:\n  - name: auditor\n    rate: 10/s\n    consistency: as-of\n"
	cases := []struct{ extra, want string }{
		{"", "lookback"},
		{"    lookback: 0s..5ms\n", "lookback"},
		{"    lookback: 1ms..5ms\n    as-of-by: wall-clock\n", "as-of-by"},
		{"    lookback: 1ms..5ms\n", ""},
	}
	for _, c := range cases {
		s, err := scenarios.Parse("as-of.yaml", []byte(base+c.extra))
		if err == nil {
			err = s.Validate()
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.extra, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want one naming %q", c.extra, err, c.want)
		}
		if c.want == "" && err == nil {
			if q := s.ES.Queries[0]; q.AsOf.By != model.AsOfCommit {
				t.Errorf("as-of-by defaults to %q, want commit", q.AsOf.By)
			}
		}
	}
}

// TestAsOfNotALinearizableRead: an as-of answer is a past state, not a
// read of the current one, so linearizable-reads leaves it out and holds
// on both twins (whose commands are linearizable), instead of taking
// each answer from the past as a stale read.
func TestAsOfNotALinearizableRead(t *testing.T) {
	for _, name := range []string{"as-of-commit-time", "as-of-client-stamp"} {
		o := run(t, builtin(t, name), 1)
		if r := esJudge(t, o.History, "linearizable-reads"); r.Verdict != checks.Holds {
			t.Errorf("%s: linearizable-reads %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}
