package faults_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/sim"
)

// panicOf runs f and returns what it panicked with, as text ("" for none).
func panicOf(f func()) (text string) {
	defer func() {
		if r := recover(); r != nil {
			text = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestScheduleWithoutMaxCrashesStillCrashes: a space that leaves
// MaxCrashes and MaxNth at zero draws crashes all the same (up to 4, at
// hits up to 100, as scenarios.Exploration does), instead of only the
// empty schedule, under which every property holds without a fault.
func TestScheduleWithoutMaxCrashesStillCrashes(t *testing.T) {
	sp := faults.Space{Targets: []string{"ledger"}, Points: model.PointsOf(model.KindMember), RestartAfter: time.Millisecond}
	most, highest := 0, 0
	for i := range 200 {
		plan := faults.Schedule(sp).Example(i)
		most = max(most, len(plan))
		for _, f := range plan {
			highest = max(highest, f.(faults.CrashNth).Nth)
		}
	}
	if most == 0 || most > 4 {
		t.Errorf("schedules of at most %d crashes, want some and at most 4", most)
	}
	if highest <= 1 || highest > 100 {
		t.Errorf("crashes at hits up to %d, want more than 1 and at most 100", highest)
	}
	es := faults.ESSpace{Sites: []faults.Site{{Target: "balances", Point: model.PointAfterApply}}, RestartAfter: time.Millisecond}
	most = 0
	for i := range 200 {
		most = max(most, len(faults.ESSchedule(es).Example(i).Crashes))
	}
	if most == 0 || most > 4 {
		t.Errorf("ES schedules of at most %d crashes, want some and at most 4", most)
	}
}

// TestScheduleRefusesASpaceWithNothingToDraw: a space with no target, no
// crash point, or (for ESSchedule) neither a site nor lost answers is
// refused when the generator is made, with a message naming what is
// missing, rather than rapid's "slice should not be empty" at the first
// draw or a generator of empty plans.
func TestScheduleRefusesASpaceWithNothingToDraw(t *testing.T) {
	points := model.PointsOf(model.KindMember)
	for _, c := range []struct {
		what string
		f    func()
		want string
	}{
		{"no targets", func() { faults.Schedule(faults.Space{Points: points}) }, "faults.Schedule: the space has no Targets"},
		{"no points", func() { faults.Schedule(faults.Space{Targets: []string{"ledger"}}) }, "faults.Schedule: the space has no Points"},
		{"nothing", func() { faults.ESSchedule(faults.ESSpace{MaxCrashes: 2}) }, "faults.ESSchedule: the space has no Sites and no MaxLostAnswers"},
	} {
		if got := panicOf(c.f); !strings.Contains(got, c.want) {
			t.Errorf("%s: panic %q, want %q", c.what, got, c.want)
		}
	}
	lostOnly := faults.ESSpace{MaxLostAnswers: 2}
	if got := panicOf(func() { faults.ESSchedule(lostOnly).Example(0) }); got != "" {
		t.Errorf("a space of lost answers alone: panic %q", got)
	}
	var _ *rapid.Generator[faults.ESPlan] = faults.ESSchedule(lostOnly)
}

// TestMalformedProbabilityIsRefused: a probability written in Go as a
// fraction with no denominator (sim.Ratio{Num: 1}, which never strikes)
// or above one is refused when the plan is installed, naming the fault;
// zero stays a fault that is off.
func TestMalformedProbabilityIsRefused(t *testing.T) {
	for _, c := range []struct {
		f    faults.Fault
		want string
	}{
		{faults.Crash{Target: "ledger", Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 1}}, "crash \"ledger\": probability 1/0: want a fraction num/den with den above 0 and num at most den"},
		{faults.Crash{Target: "ledger", Point: model.PointAfterEffect, Probability: sim.Ratio{Num: 3, Den: 2}}, "probability 3/2"},
		{faults.Pause{Target: "ledger", Probability: sim.Ratio{Num: 1}, For: time.Millisecond}, "pause \"ledger\": probability 1/0"},
		{faults.Link{A: []string{"ledger"}, B: []string{"broker"}, Drop: sim.Ratio{Num: 2}}, "link: drop probability 2/0"},
	} {
		s := ledger(model.DedupNone, []faults.Fault{c.f})
		_, err := s.Run(1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.f, err, c.want)
		}
	}
	off := ledger(model.DedupNone, []faults.Fault{faults.Crash{Target: "ledger", Point: model.PointAfterEffect}})
	if _, err := off.Run(1); err != nil {
		t.Errorf("a crash of probability 0: %v", err)
	}
}
