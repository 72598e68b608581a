package faults_test

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
)

var esSpace = faults.ESSpace{
	Sites:          []faults.Site{{Target: "balances", Point: model.PointBeforeApply}, {Target: "teller-0", Point: model.PointAfterAppend}},
	MaxCrashes:     3,
	MaxNth:         20,
	RestartAfter:   50 * time.Millisecond,
	MaxLostAnswers: 4,
	MaxAnswer:      30,
}

// TestESScheduleStaysInItsSpace: every drawn schedule crashes only at its
// sites, at hits 1..MaxNth, and loses distinct answers in 1..MaxAnswer.
func TestESScheduleStaysInItsSpace(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := faults.ESSchedule(esSpace).Draw(t, "plan")
		if len(p.Crashes) > esSpace.MaxCrashes || len(p.LostAnswers) > esSpace.MaxLostAnswers {
			t.Fatalf("too many faults: %v", p)
		}
		for _, f := range p.Crashes {
			c := f.(faults.CrashNth)
			if !slices.Contains(esSpace.Sites, faults.Site{Target: c.Target, Point: c.Point}) || c.Nth < 1 || c.Nth > esSpace.MaxNth ||
				c.RestartAfter != esSpace.RestartAfter {
				t.Fatalf("crash outside the space: %v", c)
			}
		}
		seen := map[int]bool{}
		for _, n := range p.LostAnswers {
			if n < 1 || n > esSpace.MaxAnswer || seen[n] {
				t.Fatalf("lost answers %v: want distinct answers in 1..%d", p.LostAnswers, esSpace.MaxAnswer)
			}
			seen[n] = true
		}
	})
}

func TestESPlanString(t *testing.T) {
	p := faults.ESPlan{
		Crashes:     []faults.Fault{faults.CrashNth{Target: "balances", Point: model.PointBeforeApply, Nth: 2, RestartAfter: 50 * time.Millisecond}},
		LostAnswers: []int{4},
	}
	if got, want := p.GoString(), "crash balances at before-apply hit 2, restart after 50ms; lose answer 4"; got != want {
		t.Errorf("GoString() = %q, want %q", got, want)
	}
	if got := (faults.ESPlan{}).String(); got != "no faults" {
		t.Errorf("empty plan prints %q", got)
	}
}
