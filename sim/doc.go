// Package sim is evsim's deterministic discrete-event kernel: a clock, an
// event queue, seeded randomness, nodes that crash and restart, links with
// latency, crash points at I/O boundaries and a running checksum.
//
// # Determinism
//
// A [World] runs on one goroutine and is not safe for concurrent use. Given
// the same seed and the same sequence of calls, it processes the same events
// in the same order and reaches the same [World.Checksum]. Inside a world
// nothing starts a goroutine, reads the wall clock, uses the global random
// source or iterates a map into anything ordered. Every random choice comes
// from the world's seeded PCG source: each component takes its own
// sub-stream with [World.Stream] when it is built, so adding a component does
// not reshuffle the draws of the others. Sweeps run many worlds in parallel,
// one goroutine each.
//
// # Time
//
// Simulated time is a [Time]: an integer count of nanoseconds since the start
// of the run. Nothing advances it but the event loop. The queue is ordered by
// (At, Seq) where Seq is an insertion counter, so events scheduled for the
// same instant run in the order they were scheduled. [World.Step] runs one
// event, [World.Run] runs to a time or event bound, [World.Stabilize] runs
// until nothing is pending or a bound is hit. Hitting a bound is reported in
// the returned [Stop], never a hang. A limit installed with
// [World.SetLimit] bounds every phase at once: once it trips, every later
// Run or Stabilize returns [Halted], whichever phase calls it.
//
// # Network
//
// [World.Send] delivers a message after the latency of its link, drawn
// uniformly between the link's bounds; a link may lose messages with a
// probability, be cut one way ([Network.Cut]), or be FIFO, as a TCP
// connection is: a message never overtakes an earlier one on its link,
// until a crash of either end resets the connection. Each
// directed link draws from its own random stream, derived from the world's
// seed and the names of its two ends, so new nodes and new traffic never
// change what an existing link draws.
//
// # Faults
//
// A node is up or down. [World.Crash] takes a node down: the node drops its
// volatile state ([Crasher]), its timers are cancelled and the messages in
// flight to it are lost; those it sent before it crashed still arrive, as
// the packets already on the wire do. [World.Restart] brings it back and it rebuilds
// itself from durable state ([Restarter]). Models call [World.CrashPoint] at
// every I/O boundary (a database commit, an offset commit, a publish); the
// world asks its [CrashHook] whether to crash there. A crash unwinds the
// node's handler with a sentinel panic that the kernel recovers, so a crash
// can land between an effect and its commit, exactly where real systems
// break. Injected faults are never Go errors: models record them in their
// history.
package sim
