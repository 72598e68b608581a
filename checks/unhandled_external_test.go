package checks_test

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// wrongReads counts the answered reads of read model group whose value
// differs from the value the store recorded for the stream at the version
// read: reads the read model served wrong.
func wrongReads(h *history.History, group string) int {
	type kv struct {
		key     string
		version int64
	}
	stored := map[kv]int64{}
	bad := 0
	for _, r := range h.All() {
		switch {
		case r.Kind == history.StoreAppend:
			stored[kv{r.Key, r.Version}] = r.Value
		case r.Kind == history.QueryReturn && r.Group == group && r.Version > 0 && r.Outcome == history.OutcomeOK:
			if v, ok := stored[kv{r.Key, r.Version}]; !ok || v != r.Value {
				bad++
			}
		}
	}
	return bad
}

// TestUnknownEventTypeCaughtForTheRightReason: in blue-green-unknown-event
// the old projector (blue) skips FeeCharged, which it has no handler
// for, and serves reads of rows that miss the fee: projection-equals-fold
// is violated and names the skipped type, with blue's unhandled record
// and its next apply to the row as the witness. Green replays every
// event, so no-hole-below-checkpoint holds. In blue-green-readers-first
// blue never meets a FeeCharged, and every row and read is right.
func TestUnknownEventTypeCaughtForTheRightReason(t *testing.T) {
	h := twinHistory(t, "blue-green-unknown-event")
	res := checks.ProjectionEqualsFold(h)
	if res.Verdict != checks.Violated {
		t.Fatalf("broken twin: %s, want violated: %s", res.Verdict, res.Explanation)
	}
	if !strings.Contains(res.Explanation, "no handler for event type FeeCharged") {
		t.Errorf("explanation does not name the skipped type: %s", res.Explanation)
	}
	if len(res.Witness) != 2 || res.Witness[0].Kind != history.ProjectionUnhandled || res.Witness[0].Type != domain.FeeCharged ||
		res.Witness[0].Node != "balances" || res.Witness[1].Kind != history.ProjectionApply || res.Witness[1].Node != "balances" {
		t.Errorf("witness %+v: want blue's unhandled FeeCharged, then its next apply to the row", res.Witness)
	}
	if n := wrongReads(h, "balances"); n == 0 {
		t.Error("no read served by blue was wrong")
	}
	if res := checks.NoHoleBelowCheckpoint(h); res.Verdict != checks.Holds {
		t.Errorf("broken twin: no-hole-below-checkpoint %s, want holds (green replays every event): %s", res.Verdict, res.Explanation)
	}
	fixed := twinHistory(t, "blue-green-readers-first")
	if res := checks.ProjectionEqualsFold(fixed); res.Verdict != checks.Holds {
		t.Errorf("fixed twin: %s, want holds: %s", res.Verdict, res.Explanation)
	}
	for _, r := range fixed.All() {
		if r.Kind == history.ProjectionUnhandled {
			t.Fatalf("fixed twin: %s met an event it has no handler for: %+v", r.Node, r)
		}
	}
}

// TestMutateUnhandled plants a skipped event in the fixed twin's history:
// green's apply of one FeeCharged becomes an unhandled record, and its
// later rows of that account keep the fee. projection-equals-fold and
// no-hole-below-checkpoint flip from holds to violated, and both name
// the type the projector had no handler for.
func TestMutateUnhandled(t *testing.T) {
	h := twinHistory(t, "blue-green-readers-first")
	mutant := mutate(h, func(rs []history.Entry) []history.Entry {
		i := middle(t, rs, func(r history.Entry) bool {
			return r.Kind == history.ProjectionApply && r.Type == domain.FeeCharged
		})
		u := rs[i]
		rs[i] = history.Entry{At: u.At, Kind: history.ProjectionUnhandled, Node: u.Node, Group: u.Group, Key: u.Key,
			Event: u.Event, Type: u.Type, Amount: u.Amount, Version: u.Version, Position: u.Position}
		for j := i + 1; j < len(rs); j++ {
			if rs[j].Kind == history.ProjectionApply && rs[j].Node == u.Node && rs[j].Key == u.Key {
				rs[j].Value += u.Amount
			}
		}
		return rs
	})
	for _, c := range []func(*history.History) checks.Result{checks.ProjectionEqualsFold, checks.NoHoleBelowCheckpoint} {
		flipsMutant(t, "blue-green-readers-first", c, h, mutant)
		if r := c(mutant); !strings.Contains(r.Explanation, "no handler for event type FeeCharged") {
			t.Errorf("%s: explanation does not name the skipped type: %s", r.Check, r.Explanation)
		}
	}
}
