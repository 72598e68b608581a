package checks_test

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// TestSchemaEvolutionCaughtForTheRightReason: projection-equals-fold
// finds the read model of schema-evolution-no-upcast wrong, and explains
// it by a stored v1 event (no currency) applied without the upcaster,
// not by a repeated or skipped event; its twin with the upcaster holds.
func TestSchemaEvolutionCaughtForTheRightReason(t *testing.T) {
	res := checks.ProjectionEqualsFold(twinHistory(t, "schema-evolution-no-upcast"))
	if res.Verdict != checks.Violated {
		t.Fatalf("broken twin: %s, want violated: %s", res.Verdict, res.Explanation)
	}
	if !strings.Contains(res.Explanation, "without the projection's upcaster") {
		t.Errorf("explanation does not blame the missing upcaster: %s", res.Explanation)
	}
	if len(res.Witness) != 2 || res.Witness[0].Kind != history.StoreAppend || res.Witness[0].Payload != "" ||
		res.Witness[1].Kind != history.ProjectionApply {
		t.Errorf("witness %+v: want the stored v1 event (no payload), then the apply", res.Witness)
	}
	if res := checks.ProjectionEqualsFold(twinHistory(t, "schema-evolution-upcast")); res.Verdict != checks.Holds {
		t.Errorf("fixed twin: %s, want holds: %s", res.Verdict, res.Explanation)
	}
}

// TestSchemaEvolutionMutations plants anomalies in the fixed twin's
// history. Stripping the currency from a stored v2 event changes
// nothing (the upcaster reads it as v1 did: EUR); lowering one applied
// row by the amount of its event (the row of an event read without its
// currency) makes projection-equals-fold violated, explained by the
// missing upcast when that event is a v1 one.
func TestSchemaEvolutionMutations(t *testing.T) {
	h := twinHistory(t, "schema-evolution-upcast")
	stripped, v1 := -1, ""
	for i, r := range h.All() {
		if r.Kind != history.StoreAppend || r.Type != domain.Deposited {
			continue
		}
		if r.Payload != "" && stripped < 0 {
			r.Payload = ""
			h.Set(i, r)
			stripped = i
		}
		if r.Payload == "" && v1 == "" && i != stripped {
			v1 = r.Event
		}
	}
	if stripped < 0 || v1 == "" {
		t.Fatal("the fixed twin stored no v2 or no v1 deposit")
	}
	if res := checks.ProjectionEqualsFold(h); res.Verdict != checks.Holds {
		t.Fatalf("a v2 event stored as v1: %s, want holds: %s", res.Verdict, res.Explanation)
	}
	for i, r := range h.All() {
		if r.Kind == history.ProjectionApply && r.Event == v1 {
			r.Value -= r.Amount
			h.Set(i, r)
			break
		}
	}
	res := checks.ProjectionEqualsFold(h)
	if res.Verdict != checks.Violated || !strings.Contains(res.Explanation, "upcaster") {
		t.Errorf("a v1 deposit applied without its currency: %s, want violated and blamed on the upcaster: %s", res.Verdict, res.Explanation)
	}
}
