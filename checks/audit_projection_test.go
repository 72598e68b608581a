package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// readModelOfTwoTopics: read model view folds account k1's deposits from
// two topics, a (one record) and b (two). The projector applies a0 and
// b0; it applies b1 when applied, and checkpoints b past b1 when passed.
func readModelOfTwoTopics(applied, passed bool) *history.History {
	apply := func(at int64, topic string, off int64, ev string, ver, val int64) history.Entry {
		return history.Entry{At: at, Kind: history.ProjectionApply, Node: "proj", Group: "view", Topic: topic, Offset: off, Event: ev,
			Key: "k1", Type: "Deposited", Amount: 5, Version: ver, Value: val}
	}
	cp := func(at int64, topic string, off int64) history.Entry {
		return history.Entry{At: at, Kind: history.Checkpoint, Node: "proj", Group: "view", Topic: topic, Offset: off}
	}
	dep := func(at int64, topic string, off int64, ev string) history.Entry {
		return history.Entry{At: at, Kind: history.Append, Node: "broker", Topic: topic, Offset: off, Event: ev, Key: "k1", Type: "Deposited", Amount: 5}
	}
	es := []history.Entry{
		{Kind: history.StoreAggregate, Type: "account"},
		{Kind: history.Subscribe, Node: "proj", Group: "view", Topic: "a", Style: history.StyleProjection},
		{Kind: history.Subscribe, Node: "proj", Group: "view", Topic: "b", Style: history.StyleProjection},
		dep(1, "a", 0, "a0"), dep(2, "b", 0, "b0"), dep(3, "b", 1, "b1"),
		apply(4, "a", 0, "a0", 1, 5), cp(5, "a", 1), apply(6, "b", 0, "b0", 2, 10),
	}
	if applied {
		es = append(es, apply(7, "b", 1, "b1", 3, 15))
	}
	if passed {
		es = append(es, cp(8, "b", 2))
	} else {
		es = append(es, cp(8, "b", 1))
	}
	return history.FromEntries(append(es, history.Entry{At: 20, Kind: history.End, Drained: applied || passed}))
}

// TestReadModelOfTwoTopicsIsJudgedOnBoth: a read model that projects two
// topics has a checkpoint per partition of each, and its rows fold the
// records of both. A record of the second topic skipped below its
// checkpoint is a hole, a partition of it left behind is staleness, and
// the final row must fold every record of both topics; a key's records
// in two topics have no order between them, so only its final row is
// compared. The twin that applies everything keeps all three.
func TestReadModelOfTwoTopicsIsJudgedOnBoth(t *testing.T) {
	for _, c := range []struct {
		name            string
		applied, passed bool
		check           func(*history.History) Result
		want            Verdict
	}{
		{"b1 skipped below the checkpoint", false, true, NoHoleBelowCheckpoint, Violated},
		{"b1 skipped below the checkpoint", false, true, ProjectionEqualsFold, Violated},
		{"b left behind b1", false, false, BoundedStaleness, Violated},
		{"all applied", true, true, NoHoleBelowCheckpoint, Holds},
		{"all applied", true, true, ProjectionEqualsFold, Holds},
		{"all applied", true, true, BoundedStaleness, Holds},
	} {
		if r := c.check(readModelOfTwoTopics(c.applied, c.passed)); r.Verdict != c.want {
			t.Errorf("%s: %s: %s, want %s: %s", c.name, r.Check, r.Verdict, c.want, r.Explanation)
		}
	}
}

// TestStalenessSLOOfReadModelOfTwoTopics: a read model that projects two
// topics is behind while a record of either waits: b1, never applied,
// breaks its staleness SLO; applied at once, it keeps it.
func TestStalenessSLOOfReadModelOfTwoTopics(t *testing.T) {
	for _, c := range []struct {
		applied bool
		want    Verdict
	}{{false, Violated}, {true, Holds}} {
		h := readModelOfTwoTopics(c.applied, c.applied)
		es := append([]history.Entry{{Kind: history.StalenessSLO, Node: "proj", Group: "view", SLO: 5}}, h.Entries()...)
		if r := StalenessWithinSLO(history.FromEntries(es)); r.Verdict != c.want {
			t.Errorf("b1 applied %v: %s, want %s: %s", c.applied, r.Verdict, c.want, r.Explanation)
		}
	}
}
