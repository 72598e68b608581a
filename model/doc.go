// Package model builds the event-driven parts of a system as simulated
// nodes of a [sim.World]: producers, a Kafka-like broker with topics,
// partitions and consumer groups, consumers with their handlers, commit
// policies and dedup strategies, the transactional database they keep
// their state in, and the event-sourced parts (event store, command
// sessions, projectors, read models, outbox relays). Every part writes
// what it does into a [history.History].
//
// # Where to begin
//
// To put your own code under faults, write it against the interfaces the
// built-ins use, then describe a system around it in a
// [github.com/evsim/evsim/scenarios.Scenario] and run it from a test:
//
//   - a consumer handler: a [Handler] (or [HandlerFunc]) that reads and
//     writes only through its [Tx]; set it as [ConsumerConfig].Custom.
//     Implement [Stater] to let duplicate-delivery-invariance see its state.
//   - an aggregate: a [domain.Aggregate] (Initial, Apply, Decide,
//     Describe, Value, FromRow), its events and commands carrying a
//     Payload of your own types; register it with
//     [github.com/evsim/evsim/checks.RegisterDomain] and name it in
//     [ESConfig].Aggregate, so that the checks judge it by its own rules.
//   - a projection: a [domain.Projection] (Apply(row, event) row);
//     register it with [github.com/evsim/evsim/checks.RegisterProjection]
//     and name it in [ProjectorConfig].Projection.
//
// The built-in handlers ([Handlers]), the bank [Account] and the shopping
// [Cart] are written the same way. Package domain's examples run a
// user's aggregate and projection; the scenarios package's example runs a
// user's handler; faults.ESSchedule draws fault schedules for rapid to
// shrink.
//
// Nodes never start goroutines, read the wall clock or use a global random
// source: they are driven by the world's events and draw from sub-streams
// of the world's seeded source.
package model
