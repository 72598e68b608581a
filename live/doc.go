// Package live runs a scenario's producers and consumer groups as real
// Kafka clients (franz-go) against a Kafka-protocol broker: an embedded
// in-process cluster (kfake) by default, or a real Kafka or Redpanda. It
// records what the clients saw as a history in evsim's schema, so that the
// same checks judge a real broker as judge the simulation.
//
// A live run is checked, not replayed: the clients run on goroutines and
// the wall clock, so two runs differ. The verdicts still depend on the
// recorded history alone. The history says it is live ([history.History]
// Source), its times are wall-clock time since the start of the run, its
// order is the order the recorder saw things in, and the records the
// recorder inferred rather than observed are marked Inferred.
//
// Faults: a member's client is killed at the scenario's crash points; on
// the embedded cluster, kfake's request control loses produce requests
// and acknowledgements (see control.go). [Compare] sets a scenario's
// simulated verdicts beside its live ones. Knobs and faults that have no
// live counterpart are refused by [Refusals], each named with the reason,
// never silently dropped.
package live
