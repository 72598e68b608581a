package faults

import (
	"cmp"
	"time"

	"github.com/evsim/evsim/model"

	"pgregory.net/rapid"
)

// Space bounds the fault schedules [Schedule] draws.
type Space struct {
	// Targets are the consumer groups or node names that may crash (at
	// least one).
	Targets []string
	// Points are the crash points (at least one); the first is the one
	// shrinking prefers.
	Points []model.CrashPoint
	// MaxCrashes bounds the number of crashes in a schedule (0: 4).
	MaxCrashes int
	// MaxNth bounds the hit at which a crash strikes (0: 100).
	MaxNth int
	// RestartAfter is how long a crashed node stays down.
	RestartAfter time.Duration
}

// Defaults of a [Space] and an [ESSpace] that leave a bound at zero, as
// scenarios.Exploration has: a zero MaxCrashes drawing only the empty
// schedule would let every property hold without a fault.
const (
	DefaultMaxCrashes = 4
	DefaultMaxNth     = 100
	DefaultMaxAnswer  = 100
)

// Schedule returns a rapid generator of crash schedules in space: a list of
// [CrashNth] values. The simplest schedule, which rapid shrinks toward, is
// empty; then fewer crashes, the first target and point, and earlier hits.
// Every crash draws all its fields, so deleting one leaves the others'
// meaning intact. It panics, as rapid's own generators do on bad
// arguments, when space has no target or no crash point.
func Schedule(space Space) *rapid.Generator[[]Fault] {
	if len(space.Targets) == 0 {
		panic("faults.Schedule: the space has no Targets: name the consumer groups or nodes that may crash")
	}
	if len(space.Points) == 0 {
		panic("faults.Schedule: the space has no Points: give the crash points of its targets (model.PointsOf)")
	}
	maxNth := cmp.Or(space.MaxNth, DefaultMaxNth)
	crash := rapid.Custom(func(t *rapid.T) Fault {
		return CrashNth{
			Target:       rapid.SampledFrom(space.Targets).Draw(t, "target"),
			Point:        rapid.SampledFrom(space.Points).Draw(t, "point"),
			Nth:          rapid.IntRange(1, max(1, maxNth)).Draw(t, "nth"),
			RestartAfter: space.RestartAfter,
		}
	})
	return rapid.SliceOfN(crash, 0, max(1, cmp.Or(space.MaxCrashes, DefaultMaxCrashes)))
}
