package faults

import (
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
	// prefers.
	Sites []Site
	// MaxCrashes bounds the crashes of a schedule, MaxNth the hit at which
	// one strikes.
	MaxCrashes, MaxNth int
	// RestartAfter is how long a crashed node stays down.
	RestartAfter time.Duration
	// MaxLostAnswers bounds the answers to appends a schedule loses;
	// MaxAnswer bounds their order among the store's answers (from 1).
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
// others' meaning intact.
func ESSchedule(space ESSpace) *rapid.Generator[ESPlan] {
	crash := rapid.Custom(func(t *rapid.T) Fault {
		site := rapid.SampledFrom(space.Sites).Draw(t, "site")
		return CrashNth{
			Target:       site.Target,
			Point:        site.Point,
			Nth:          rapid.IntRange(1, max(1, space.MaxNth)).Draw(t, "nth"),
			RestartAfter: space.RestartAfter,
		}
	})
	return rapid.Custom(func(t *rapid.T) ESPlan {
		var p ESPlan
		if len(space.Sites) > 0 && space.MaxCrashes > 0 {
			p.Crashes = rapid.SliceOfN(crash, 0, space.MaxCrashes).Draw(t, "crashes")
		}
		if space.MaxLostAnswers > 0 {
			p.LostAnswers = rapid.SliceOfNDistinct(rapid.IntRange(1, max(1, space.MaxAnswer)), 0, space.MaxLostAnswers,
				rapid.ID[int]).Draw(t, "lost answers")
		}
		return p
	})
}
