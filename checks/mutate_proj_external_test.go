package checks_test

import (
	"slices"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
)

// Mutation tests of the projection and snapshot checks: run a fixed twin
// at its pinned seed, require the check to hold, plant one anomaly in a
// copy of its history, and require the check to flip to violated.

// mutate returns a copy of h with f applied to its records.
func mutate(h *history.History, f func([]history.Entry) []history.Entry) *history.History {
	return history.FromEntries(f(h.Entries()))
}

// flipsMutant requires check to hold on h and to be violated on the mutant.
func flipsMutant(t *testing.T, name string, check func(*history.History) checks.Result, h, mutant *history.History) {
	t.Helper()
	if r := check(h); r.Verdict != checks.Holds {
		t.Fatalf("%s: %s on the fixed twin: %s: %s", name, r.Check, r.Verdict, r.Explanation)
	}
	r := check(mutant)
	if r.Verdict != checks.Violated || len(r.Witness) == 0 {
		t.Fatalf("%s: %s on the mutant: %s (witness %d records): %s", name, r.Check, r.Verdict, len(r.Witness), r.Explanation)
	}
	t.Logf("%s: %s", name, r.Explanation)
}

// middle returns the index of the middle record of h matching keep.
func middle(t *testing.T, recs []history.Entry, keep func(history.Entry) bool) int {
	t.Helper()
	var idx []int
	for i, r := range recs {
		if keep(r) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		t.Fatal("no record to mutate")
	}
	return idx[len(idx)/2]
}

func isKind(k history.Kind) func(history.Entry) bool {
	return func(r history.Entry) bool { return r.Kind == k }
}

// An applied row altered by one: no query need read it, the final row is
// left as it was, and the run need not have drained.
func TestMutateProjectionEqualsFold(t *testing.T) {
	for _, name := range []string{"checkpoint-same-tx", "rebuild-blue-green", "topic-projection-same-tx"} {
		h := twinHistory(t, name)
		flipsMutant(t, name, checks.ProjectionEqualsFold, h, mutate(h, func(rs []history.Entry) []history.Entry {
			rs[middle(t, rs, isKind(history.ProjectionApply))].Value++
			return rs
		}))
		// The same in a run that did not drain, where no final row is
		// compared.
		flipsMutant(t, name+" (undrained)", checks.ProjectionEqualsFold, h, mutate(h, func(rs []history.Entry) []history.Entry {
			rs[middle(t, rs, isKind(history.ProjectionApply))].Value++
			for i := range rs {
				rs[i].Drained = false
			}
			return rs
		}))
	}
}

// One apply dropped from below the checkpoint.
func TestMutateNoHoleBelowCheckpoint(t *testing.T) {
	for _, name := range []string{"checkpoint-same-tx", "gap-no-live-writer", "topic-projection-same-tx"} {
		h := twinHistory(t, name)
		flipsMutant(t, name, checks.NoHoleBelowCheckpoint, h, mutate(h, func(rs []history.Entry) []history.Entry {
			i := middle(t, rs, isKind(history.ProjectionApply))
			return slices.Delete(rs, i, i+1)
		}))
	}
}

// The projector's last checkpoint dropped: it ends below the last
// commit. Or every apply and checkpoint of the read model dropped: it is
// stuck before its first event, known from its queries or its SLO.
func TestMutateBoundedStaleness(t *testing.T) {
	for _, name := range []string{"checkpoint-same-tx", "staleness-slo-kept", "read-your-writes-token"} {
		h := twinHistory(t, name)
		flipsMutant(t, name+" (last checkpoint dropped)", checks.BoundedStaleness, h, mutate(h, func(rs []history.Entry) []history.Entry {
			last := -1
			for i, r := range rs {
				if r.Kind == history.Checkpoint {
					last = i
				}
			}
			var lastCommit int64
			for _, r := range rs {
				if r.Kind == history.StoreAppend {
					lastCommit = max(lastCommit, r.Position)
				}
			}
			// drop the checkpoints from the last one below the last commit on
			for last >= 0 && rs[last].Position >= lastCommit {
				rs = slices.Delete(rs, last, last+1)
				for last--; last >= 0 && rs[last].Kind != history.Checkpoint; last-- {
				}
			}
			return rs
		}))
		flipsMutant(t, name+" (never started)", checks.BoundedStaleness, h, mutate(h, func(rs []history.Entry) []history.Entry {
			return slices.DeleteFunc(rs, func(r history.Entry) bool {
				return r.Kind == history.ProjectionApply || r.Kind == history.Checkpoint
			})
		}))
	}
}

// One apply dropped, of an event committed long before the end: the read
// model misses it for longer than its SLO.
func TestMutateStalenessWithinSLO(t *testing.T) {
	h := twinHistory(t, "staleness-slo-kept")
	slo := checks.StalenessSLOs(h)["balances"]
	end := h.At(h.Len() - 1).At
	flipsMutant(t, "staleness-slo-kept", checks.StalenessWithinSLO, h, mutate(h, func(rs []history.Entry) []history.Entry {
		i := middle(t, rs, func(r history.Entry) bool { return r.Kind == history.ProjectionApply && end-r.At > 2*int64(slo) })
		return slices.Delete(rs, i, i+1)
	}))
}

// A read after the session's own write altered to the version below the
// write. Turning a read into a timeout, though, leaves nothing missed.
func TestMutateReadYourWrites(t *testing.T) {
	for _, name := range []string{"read-your-writes-token", "unstarted-projection-wait"} {
		h := twinHistory(t, name)
		// the first read that returned after a write of the same session and aggregate
		read, version, wrote := -1, int64(0), map[[2]string]int64{}
		for i, r := range h.All() {
			if r.Kind == history.CommandReturn && r.Outcome == history.OutcomeOK {
				wrote[[2]string{r.Node, r.Key}] = r.Version
			}
			if v, ok := wrote[[2]string{r.Node, r.Key}]; ok && r.Kind == history.QueryReturn && r.Outcome == history.OutcomeOK && read < 0 {
				read, version = i, v
			}
		}
		if read < 0 {
			t.Fatalf("%s: no read after a write", name)
		}
		flipsMutant(t, name, checks.ReadYourWrites, h, mutate(h, func(rs []history.Entry) []history.Entry {
			rs[read].Version = version - 1
			return rs
		}))
		timedOut := mutate(h, func(rs []history.Entry) []history.Entry {
			rs[read].Version, rs[read].Outcome = 0, history.OutcomeTimeout
			return rs
		})
		if r := checks.ReadYourWrites(timedOut); r.Verdict != checks.Holds {
			t.Errorf("%s: a read turned into a timeout: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

// A snapshot's state altered; or a load's state and its reported replay
// altered together.
func TestMutateSnapshotReplay(t *testing.T) {
	for _, name := range []string{"snapshot-stamped", "state-as-fold"} {
		h := twinHistory(t, name)
		flipsMutant(t, name+" (snapshot)", checks.SnapshotReplay, h, mutate(h, func(rs []history.Entry) []history.Entry {
			rs[middle(t, rs, isKind(history.Snapshot))].State += "0"
			return rs
		}))
		flipsMutant(t, name+" (load and replay)", checks.SnapshotReplay, h, mutate(h, func(rs []history.Entry) []history.Entry {
			i := middle(t, rs, isKind(history.Load))
			rs[i].State += "0"
			rs[i].Replay = rs[i].State
			return rs
		}))
	}
}
