package faults

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/evsim/evsim/model"

	"pgregory.net/rapid"
)

// Site is a place a crash can strike: a node (or consumer group) and one
// of its crash points. Drawing sites rather than targets and points apart
// never draws a crash that cannot happen (a projector at after-append).
type Site struct {
	Target string
	Point  model.CrashPoint
}

// ESSpace bounds the fault schedules [ESSchedule] draws for the
// event-sourced side of a system.
type ESSpace struct {
	// Sites are where crashes may strike; the first is the one shrinking
	// prefers. None: the schedules lose answers only.
	Sites []Site
	// MaxCrashes bounds the crashes of a schedule (0: 4), MaxNth the hit
	// at which one strikes (0: 100).
	MaxCrashes, MaxNth int
	// RestartAfter is how long a crashed node stays down.
	RestartAfter time.Duration
	// MaxLostAnswers bounds the answers to appends a schedule loses (0:
	// none); MaxAnswer bounds their order among the store's answers, from
	// 1 (0: 100).
	MaxLostAnswers, MaxAnswer int
}

// ESPlan is a fault schedule for the event-sourced side: crashes at exact
// hits of crash points, and the answers to appends the event store loses,
// by their order among its answers (model.StoreConfig.LoseAnswers).
type ESPlan struct {
	Crashes     []Fault
	LostAnswers []int
}

// String renders p for rapid's logs and test failures.
func (p ESPlan) String() string {
	var parts []string
	for _, c := range p.Crashes {
		parts = append(parts, fmt.Sprint(c))
	}
	for _, n := range p.LostAnswers {
		parts = append(parts, fmt.Sprintf("lose answer %d", n))
	}
	if len(parts) == 0 {
		return "no faults"
	}
	return strings.Join(parts, "; ")
}

// GoString implements fmt.GoStringer, so rapid's draw logs read well.
func (p ESPlan) GoString() string { return p.String() }

// ESSchedule returns a rapid generator of fault schedules in space. The
// simplest schedule, which rapid shrinks toward, has no faults; then fewer
// crashes and lost answers, the first site, earlier hits and earlier
// answers. Every crash draws all its fields, so deleting one leaves the
// others' meaning intact. It panics, as rapid's own generators do on bad
// arguments, when space has neither a site nor lost answers to draw.
func ESSchedule(space ESSpace) *rapid.Generator[ESPlan] {
	if len(space.Sites) == 0 && space.MaxLostAnswers <= 0 {
		panic("faults.ESSchedule: the space has no Sites and no MaxLostAnswers: it would draw only the empty plan")
	}
	maxNth, maxCrashes := cmp.Or(space.MaxNth, DefaultMaxNth), cmp.Or(space.MaxCrashes, DefaultMaxCrashes)
	crash := rapid.Custom(func(t *rapid.T) Fault {
		site := rapid.SampledFrom(space.Sites).Draw(t, "site")
		return CrashNth{
			Target:       site.Target,
			Point:        site.Point,
			Nth:          rapid.IntRange(1, max(1, maxNth)).Draw(t, "nth"),
			RestartAfter: space.RestartAfter,
		}
	})
	return rapid.Custom(func(t *rapid.T) ESPlan {
		var p ESPlan
		if len(space.Sites) > 0 && maxCrashes > 0 {
			p.Crashes = rapid.SliceOfN(crash, 0, maxCrashes).Draw(t, "crashes")
		}
		if space.MaxLostAnswers > 0 {
			p.LostAnswers = rapid.SliceOfNDistinct(rapid.IntRange(1, max(1, cmp.Or(space.MaxAnswer, DefaultMaxAnswer))), 0, space.MaxLostAnswers,
				rapid.ID[int]).Draw(t, "lost answers")
		}
		return p
	})
}
