// Package model builds the event-driven parts of a system as simulated
// nodes of a [sim.World]: producers, a Kafka-like broker with topics,
// partitions and consumer groups, consumers with their handlers, commit
// policies and dedup strategies, and the transactional database they keep
// their state in. Every part writes what it does into a
// [history.History].
//
// Nodes never start goroutines, read the wall clock or use a global random
// source: they are driven by the world's events and draw from sub-streams
// of the world's seeded source.
package model
