package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// TestCrashAtUndeclaredPointRefused: a crash aimed at a point its target
// never passes is refused when the scenario is validated (as when it is
// run), and the message names the target, the point and the points the
// target's kind declares. A crash at a set time is valid for any node.
func TestCrashAtUndeclaredPointRefused(t *testing.T) {
	cases := []struct {
		scenario string
		fault    faults.Fault
		want     string // "" means valid
	}{
		{"double-credit", faults.Crash{Target: "ledger", Point: model.PointBeforeSend, Probability: sim.Ratio{Num: 1, Den: 2}},
			`crash "ledger" at before-send: ledger-0 is a consumer member, which never passes before-send: its crash points are [before-effect after-effect before-commit after-commit]`},
		{"double-credit", faults.CrashNth{Target: "teller", Point: model.PointAfterEffect, Nth: 1},
			`crash "teller" at after-effect: teller is a producer, which never passes after-effect: its crash points are [before-send after-send]`},
		{"challenge-cqrs-window", faults.CrashNth{Target: "balances", Point: model.PointAfterAppend, Nth: 1},
			`crash "balances" at after-append: balances is a projector, which never passes after-append: its crash points are [before-apply after-apply]`},
		{"challenge-cqrs-window", faults.Crash{Target: "dashboard-0", Point: model.PointAfterPublish, Probability: sim.Ratio{Num: 1, Den: 2}},
			`crash "dashboard-0" at after-publish: dashboard-0 is a query session, which passes no crash point: crash it at a time (at) instead`},
		{"challenge-cqrs-window", faults.Crash{Target: "teller-0", Point: "somewhere", Probability: sim.Ratio{Num: 1, Den: 2}},
			`crash "teller-0": unknown crash point "somewhere"`},
		{"double-credit", faults.Crash{Target: "ledger", Point: model.PointAfterCommit, Probability: sim.Ratio{Num: 1, Den: 2}}, ""},
		{"challenge-cqrs-window", faults.CrashNth{Target: "teller-1", Point: model.PointAfterAppend, Nth: 2}, ""},
		{"challenge-cqrs-window", faults.CrashAt{Target: "dashboard-0", At: time.Second, RestartAfter: time.Second}, ""},
		{"challenge-cqrs-window", faults.CrashAt{Target: "event-store", At: time.Second, RestartAfter: time.Second}, ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.fault), func(t *testing.T) {
			s, err := Builtin(c.scenario)
			if err != nil {
				t.Fatal(err)
			}
			s.Faults.Faults = []faults.Fault{c.fault}
			err = s.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("valid fault refused: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("fault accepted, want an error containing %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q\nwant it to contain %q", err, c.want)
			}
			if c.want == "" {
				return
			}
			if _, err := s.Run(1); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run: error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// TestBuiltinsInstall: every built-in scenario's faults install.
func TestBuiltinsInstall(t *testing.T) {
	list, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
	}
}

// pointRecorder notes which crash points each node kind passes, and
// leaves the decision to the scenario's injector.
type pointRecorder struct {
	inner  sim.CrashHook
	passed map[model.NodeKind][]model.CrashPoint
}

// Crash implements sim.CrashHook.
func (r *pointRecorder) Crash(w *sim.World, node sim.NodeID, point string) (bool, sim.Time) {
	k := model.KindOf(w.Node(node))
	if p := model.CrashPoint(point); !slices.Contains(r.passed[k], p) {
		r.passed[k] = append(r.passed[k], p)
	}
	return r.inner.Crash(w, node, point)
}

// TestDeclaredPointsArePassed: the declarations are exact over the
// built-in scenarios: every crash point a node passes is one its kind
// declares, and every point a kind declares is passed by some node of
// that kind in some built-in scenario.
func TestDeclaredPointsArePassed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the safety phase of every built-in scenario")
	}
	list, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	rec := &pointRecorder{passed: map[model.NodeKind][]model.CrashPoint{}}
	for _, s := range list {
		b, err := s.build(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		rec.inner = b.in
		b.w.SetCrashHook(rec)
		b.sys.Start()
		b.es.Start()
		b.w.Run(sim.Time(s.Duration), 0)
	}
	kinds := []model.NodeKind{model.KindProducer, model.KindTxnProducer, model.KindMember, model.KindBroker, model.KindCommandSession,
		model.KindQuerySession, model.KindProjector, model.KindRelay, model.KindEventStore, model.KindReadModel}
	for k, ps := range rec.passed {
		if !slices.Contains(kinds, k) {
			t.Errorf("a node of no listed kind %q passes %v", k, ps)
		}
	}
	for _, k := range kinds {
		declared, passed := model.PointsOf(k), rec.passed[k]
		for _, p := range passed {
			if !slices.Contains(declared, p) {
				t.Errorf("a %s passes %s, which its kind does not declare (%v)", k, p, declared)
			}
		}
		for _, p := range declared {
			if !slices.Contains(passed, p) {
				t.Errorf("a %s declares %s, but no built-in scenario's %s passes it", k, p, k)
			}
		}
	}
}
