package history

// The value sets of a record's fields. Each is a typed string, so the
// model that writes a record and the checks that judge it name a value
// through one constant and never compare bare literals. The JSON form is
// the plain string.

// Outcome is how a command or a query ended (CommandReturn, QueryReturn,
// and the store's answer on StoreAppend-related records).
type Outcome string

// The outcomes.
const (
	// OutcomeOK: the command took effect, or the query answered.
	OutcomeOK Outcome = "ok"
	// OutcomeRejected: the aggregate refused the command (Point: why).
	OutcomeRejected Outcome = "rejected"
	// OutcomeConflict: the command lost every optimistic retry.
	OutcomeConflict Outcome = "conflict"
	// OutcomeUnknown: the answer never came; the command may or may not
	// have taken effect.
	OutcomeUnknown Outcome = "unknown"
	// OutcomeRolledBack: the store rolled an append back (LostAnswer):
	// nothing was written.
	OutcomeRolledBack Outcome = "rolled-back"
	// OutcomeTimeout: a read-your-writes query gave up waiting: it read
	// nothing.
	OutcomeTimeout Outcome = "timeout"
)

// Mode is how a command client validates (Command) or how a query reads
// (Query).
type Mode string

// The modes.
const (
	// ModeWriteModel: a command validated against the aggregate's stream.
	ModeWriteModel Mode = "write-model"
	// ModeReadModel: a command validated against a read model.
	ModeReadModel Mode = "read-model"
	// ModeEventual: a query that reads the read model as it is.
	ModeEventual Mode = "eventual"
	// ModeReadYourWrites: a query that waits for the read model to reach
	// the session's last write (Token).
	ModeReadYourWrites Mode = "read-your-writes"
	// ModeStrong: a query answered from the write side.
	ModeStrong Mode = "strong"
)

// Style is how a Subscribe record's group consumes its topic.
type Style string

// The styles.
const (
	// StyleLog: a Kafka-style log subscription (the empty style).
	StyleLog Style = ""
	// StyleQueue: a queue-style subscription with per-message acks.
	StyleQueue Style = "queue"
	// StyleProjection: a read model whose projector reads the topic.
	StyleProjection Style = "projection"
)

// Points and reasons that checks rely on (the Point field).
const (
	// PointAfterAppend: an outbox writer crashed after its store append,
	// before it published.
	PointAfterAppend = "after-append"
	// RebuildBlueGreen: a ProjectionReset that builds a new read model
	// beside the old one (the old one keeps answering).
	RebuildBlueGreen = "blue-green"
	// ErrorPoison and ErrorTransient: why a handler failed (HandlerError).
	ErrorPoison    = "poison"
	ErrorTransient = "transient"
)

// Saga states that checks rely on (the From and To fields of SagaStart
// and SagaTransition records).
const (
	// SagaStateStarted: an instance waiting for its payment outcome.
	SagaStateStarted = "started"
	// SagaStateCompleted: paid, the order confirmed (an end state).
	SagaStateCompleted = "completed"
	// SagaStateCompensated: the order cancelled and refunded (an end
	// state).
	SagaStateCompensated = "compensated"
)

// RebuildStopFirst: a ProjectionReset that stops the live projector,
// truncates the read model and sets its checkpoint back to 0 before it
// replays.
const RebuildStopFirst = "stop-then-rebuild"

// OutcomeNone: a record that carries no outcome. A hand-written history
// may leave a QueryReturn's outcome out; checks read it as an answer.
const OutcomeNone Outcome = ""

// Why a replicated partition changed (the Point of a PartitionChange).
const (
	// ElectionClean: a leader elected from the in-sync replicas.
	ElectionClean = "clean"
	// ElectionUnclean: a leader elected from outside the in-sync
	// replicas (unclean.leader.election.enable): records only the in-sync
	// replicas had are gone.
	ElectionUnclean = "unclean"
	// ElectionOffline: no replica may lead; the partition is offline.
	ElectionOffline = "offline"
	// ISRChange: the same leader, a new in-sync replica set.
	ISRChange = "isr"
	// PowerLoss: a Truncate by a broker that lost its power: what it had
	// not flushed to disk is gone.
	PowerLoss = "power-loss"
)

// LeavePollTimeout is the Point of a Leave record that a member sent
// because it held a batch longer than its max poll interval (Kafka's
// max.poll.interval.ms): the group rebalances without it while its
// handler runs on.
const LeavePollTimeout = "max-poll-interval"

// OffsetUnknown is the Offset of a PublishAck that carries no offset: an
// acks=0 send, which Kafka's producer counts as a success as soon as it
// is written to the connection, without learning where it landed.
const OffsetUnknown int64 = -1

// ExpireRebalanceTimeout is the Point of an Expire record of a member the
// broker removed because it had not rejoined a rebalance within the
// rebalance timeout (the members' max.poll.interval.ms), although its
// heartbeats went on.
const ExpireRebalanceTimeout = "rebalance-timeout"
