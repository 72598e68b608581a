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
package faults
