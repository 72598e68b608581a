// Package faults describes what to break in a run, as plain values: a
// [Plan] is a list of [Fault]s that it installs into a built system.
//
// # Faults
//
// A fault is a small value (for instance [Crash]: crash the members of a
// group at a named crash point with a probability, restart them after a
// delay; [Partition]: cut the links between two sets of nodes for a
// while). Faults act only inside the plan's window, [Plan.Until]; after it
// the run heals and converges, so that liveness can be judged. Faults draw
// their randomness from one sub-stream of the world taken when the plan is
// installed, so the same seed breaks the same things. Injected faults are
// never Go errors: the crashed nodes record them in the history.
//
// # Property tests
//
// [CrashNth] crashes a target at the n-th pass through a crash point: it
// draws nothing, so a list of them names exact moments. [Schedule]
// (crashes of groups or nodes at their crash points, within a [Space]) and [ESSchedule] (crashes at
// sites of the event-sourced side and lost answers to appends, within an
// [ESSpace]) are rapid generators of such lists: draw one in a
// rapid.Check, run the system under it, and rapid shrinks a failing one
// to the fewest, earliest crashes that still fail. A crash at a point
// its target never passes, or of a target the system does not have, is
// refused with an error when the plan is installed (the run's error).
package faults
