package scenarios_test

import (
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
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
