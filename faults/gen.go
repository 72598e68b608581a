package faults

import (
	"time"

	"github.com/evsim/evsim/model"

	"pgregory.net/rapid"
)

// Space bounds the fault schedules [Schedule] draws.
type Space struct {
	// Targets are the consumer groups or node names that may crash.
	Targets []string
	// Points are the crash points; the first is the one shrinking prefers.
	Points []model.CrashPoint
	// MaxCrashes bounds the number of crashes in a schedule.
	MaxCrashes int
	// MaxNth bounds the hit at which a crash strikes.
	MaxNth int
	// RestartAfter is how long a crashed node stays down.
	RestartAfter time.Duration
}

// Schedule returns a rapid generator of crash schedules in space: a list of
// [CrashNth] values. The simplest schedule, which rapid shrinks toward, is
// empty; then fewer crashes, the first target and point, and earlier hits.
// Every crash draws all its fields, so deleting one leaves the others'
// meaning intact.
func Schedule(space Space) *rapid.Generator[[]Fault] {
	crash := rapid.Custom(func(t *rapid.T) Fault {
		return CrashNth{
			Target:       rapid.SampledFrom(space.Targets).Draw(t, "target"),
			Point:        rapid.SampledFrom(space.Points).Draw(t, "point"),
			Nth:          rapid.IntRange(1, max(1, space.MaxNth)).Draw(t, "nth"),
			RestartAfter: space.RestartAfter,
		}
	})
	return rapid.SliceOfN(crash, 0, space.MaxCrashes)
}
