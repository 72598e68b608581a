package scenarios

// FailureMode is one failure the built-in scenarios teach: the scenarios
// that show it (broken) beside the fixed twins that avoid it.
type FailureMode struct {
	// ID is the failure's id in the README's table (C2, D1...), empty for
	// failures without one.
	ID      string
	Failure string
	Broken  []string
	Fixed   []string
}

// FailureModes pairs the built-in scenarios that show a failure with
// their fixed twins, in the order of the README's table of built-in
// scenarios (a test keeps the two the same).
var FailureModes = []FailureMode{
	{ID: "C1", Failure: "fan-out", Broken: []string{"fan-out-shared-group"}, Fixed: []string{"fan-out"}},
	{ID: "C2", Failure: "double effect on redelivery", Broken: []string{"double-credit"}, Fixed: []string{"idempotent-consumer"}},
	{ID: "C3", Failure: "state as a fold", Broken: []string{"snapshot-drift"}, Fixed: []string{"state-as-fold", "snapshot-stamped"}},
	{ID: "C4", Failure: "stale read model", Broken: []string{"stale-read"}, Fixed: []string{"read-your-writes-token", "inline-projection"}},
	{ID: "C5", Failure: "command validated against the read model", Broken: []string{"stale-validation", "stale-validation-expected-version"}, Fixed: []string{"write-model-validation"}},
	{ID: "C6", Failure: "per-key order", Broken: []string{"key-order-round-robin", "queue-no-order"}, Fixed: []string{"key-order-by-key", "queue-one-consumer"}},
	{ID: "", Failure: "partitions added to a keyed topic", Broken: []string{"add-partitions-keyed"}, Fixed: []string{"add-partitions-drain-first"}},
	{ID: "", Failure: "hot partition", Broken: []string{"hot-partition"}, Fixed: []string{"hot-partition-key-parallel"}},
	{ID: "C7", Failure: "event named as a command", Broken: []string{"command-named-event"}, Fixed: []string{"fact-named-event"}},
	{ID: "D1", Failure: "commit before processing", Broken: []string{"commit-before-handle"}, Fixed: []string{"commit-after-handle"}},
	{ID: "", Failure: "auto-commit with a worker thread", Broken: []string{"auto-commit-worker-thread"}, Fixed: []string{"auto-commit-poll-loop"}},
	{ID: "D2", Failure: "out-of-order completion committed", Broken: []string{"commit-max-completed"}, Fixed: []string{"commit-contiguous-prefix"}},
	{ID: "D3", Failure: "dedup that forgets or lies", Broken: []string{"dedup-mark-before", "dedup-window-expires", "dedup-per-member"}, Fixed: []string{"dedup-mark-with-effect", "dedup-window-covers-redelivery", "dedup-shared"}},
	{ID: "D4", Failure: "producer retry duplicates", Broken: []string{"producer-retry-duplicates"}, Fixed: []string{"idempotent-producer"}},
	{ID: "D5", Failure: "retry reordering", Broken: []string{"producer-retry-reorder"}, Fixed: []string{"idempotent-producer-order"}},
	{ID: "D6", Failure: "zombie consumer", Broken: []string{"zombie-consumer"}, Fixed: []string{"fenced-consumer"}},
	{ID: "D7", Failure: "poison event", Broken: []string{"poison-retry-forever", "poison-skip"}, Fixed: []string{"poison-dead-letter"}},
	{ID: "D8", Failure: "rebalance storm", Broken: []string{"rebalance-storm"}, Fixed: []string{"graceful-rebalance"}},
	{ID: "", Failure: "rolling restart of dynamic members", Broken: []string{"rolling-restart-dynamic"}, Fixed: []string{"rolling-restart-static", "rolling-restart-cooperative"}},
	{ID: "", Failure: "batch longer than the max poll interval", Broken: []string{"max-poll-exceeded"}, Fixed: []string{"max-poll-within-interval"}},
	{ID: "", Failure: "retention outruns a consumer", Broken: []string{"retention-outruns-consumer"}, Fixed: []string{"retention-covers-lag"}},
	{ID: "", Failure: "new group on offset-reset latest", Broken: []string{"new-group-latest"}, Fixed: []string{"new-group-earliest"}},
	{ID: "", Failure: "committed offsets expire while the group is away", Broken: []string{"offsets-expire"}, Fixed: []string{"offsets-retention-covers-downtime"}},
	{ID: "", Failure: "queue ack timeout too short", Broken: []string{"queue-ack-timeout-too-short"}, Fixed: []string{"queue-ack-timeout"}},
	{ID: "E1", Failure: "lost update without expected version", Broken: []string{"lost-update"}, Fixed: []string{"expected-version"}},
	{ID: "E2", Failure: "ambiguous append, naive retry", Broken: []string{"retry-new-ids"}, Fixed: []string{"retry-same-ids"}},
	{ID: "E3", Failure: "sequence gap skipped", Broken: []string{"gap-skipped", "gap-skip-after-short"}, Fixed: []string{"gap-no-live-writer", "gap-skip-after"}},
	{ID: "E4", Failure: "gap that never fills", Broken: []string{"gap-wait-forever"}, Fixed: []string{"gap-no-live-writer", "gap-skip-after"}},
	{ID: "E5", Failure: "checkpoint not atomic with the read model", Broken: []string{"checkpoint-separate-tx", "topic-projection-separate-checkpoint"}, Fixed: []string{"checkpoint-same-tx", "topic-projection-same-tx", "projection-idempotent-version"}},
	{ID: "E6", Failure: "snapshot drift", Broken: []string{"snapshot-drift"}, Fixed: []string{"snapshot-stamped"}},
	{ID: "E7", Failure: "rebuild beside a live projector", Broken: []string{"rebuild-in-place"}, Fixed: []string{"rebuild-blue-green", "rebuild-stop-first"}},
	{ID: "E8", Failure: "broken read-your-writes wait", Broken: []string{"wrong-token-wait", "unstarted-projection-caught-up"}, Fixed: []string{"read-your-writes-token", "unstarted-projection-wait"}},
	{ID: "", Failure: "event schema evolution without upcasting", Broken: []string{"schema-evolution-no-upcast"}, Fixed: []string{"schema-evolution-upcast"}},
	{ID: "", Failure: "new event type written while the old projector serves reads", Broken: []string{"blue-green-unknown-event"}, Fixed: []string{"blue-green-readers-first"}},
	{ID: "P1", Failure: "dual write", Broken: []string{"dual-write-after", "dual-write-before"}, Fixed: []string{"transactional-outbox"}},
	{ID: "P2", Failure: "outbox duplicates", Broken: []string{"outbox-duplicates"}, Fixed: []string{"outbox-idempotent-consumer"}},
	{ID: "P3", Failure: "saga races", Broken: []string{"saga-race", "saga-optimistic"}, Fixed: []string{"saga-key-order"}},
	{ID: "", Failure: "staleness SLO", Broken: []string{"staleness-slo-breached"}, Fixed: []string{"staleness-slo-kept"}},
	{ID: "", Failure: "temporal query answered by the writer's timestamp", Broken: []string{"as-of-client-stamp"}, Fixed: []string{"as-of-commit-time"}},
	{ID: "F1", Failure: "acknowledged write lost with acks=1", Broken: []string{"acks-one-leader-crash"}, Fixed: []string{"acks-all-min-isr"}},
	{ID: "F2", Failure: "unclean leader election", Broken: []string{"unclean-leader-election"}, Fixed: []string{"clean-leader-election"}},
	{ID: "F3", Failure: "min.insync.replicas of 1", Broken: []string{"min-isr-one"}, Fixed: []string{"min-isr-two"}},
	{ID: "F4", Failure: "leader cut off by a network partition, acks=1", Broken: []string{"partition-leader-acks-one"}, Fixed: []string{"partition-leader-acks-all"}},
	{ID: "F5", Failure: "aborted read", Broken: []string{"aborted-read"}, Fixed: []string{"read-committed"}},
	{ID: "F6", Failure: "zombie transactional producer", Broken: []string{"zombie-producer"}, Fixed: []string{"fenced-producer"}},
	{ID: "F7", Failure: "exactly-once stops at Kafka", Broken: []string{"eos-external-write"}, Fixed: []string{"eos-external-idempotent"}},
	{ID: "", Failure: "challenge: produce three facts, two groups, a replay", Broken: []string{"challenge-produce-consume-naive"}, Fixed: []string{"challenge-produce-consume"}},
	{ID: "", Failure: "challenge: event-source an aggregate", Fixed: []string{"challenge-event-sourced-account"}},
	{ID: "", Failure: "challenge: the CQRS consistency window", Fixed: []string{"challenge-cqrs-window"}},
}
