package history

// The value sets of an entry's fields. Each is a typed string, so the
// model that writes an entry and the checks that judge it name a value
// through one constant and never compare bare literals. The JSON form is
// the plain string; in memory a [Record] keeps a kind, an outcome, a mode
// and a style as a small number (see codes.go) and the others as symbols.

// Outcome is how a command or a query ended (CommandReturn, QueryReturn,
// and the store's answer on StoreAppend-related records).
type Outcome string

// The outcomes.
const (
	// OutcomeOK: the command took effect, or the query answered.
	OutcomeOK Outcome = "ok"
	// OutcomeRejected: the aggregate refused the command (Reason: why).
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

// CrashPoint is where a node crashed (Crash): one of the points its node
// kind declares.
type CrashPoint string

// PointAfterAppend: an outbox writer crashed after its store append,
// before it published. Checks rely on it.
const PointAfterAppend CrashPoint = "after-append"

// RebuildMode is how a read model is rebuilt (ProjectionReset).
type RebuildMode string

// The rebuild modes checks tell apart.
const (
	// RebuildBlueGreen: a ProjectionReset that builds a new read model
	// beside the old one (the old one keeps answering).
	RebuildBlueGreen RebuildMode = "blue-green"
	// RebuildStopFirst: a ProjectionReset that stops the live projector,
	// truncates the read model and sets its checkpoint back to 0 before it
	// replays.
	RebuildStopFirst RebuildMode = "stop-then-rebuild"
)

// GapPolicy is the policy by which a projector skipped a gap in the
// global positions (ProjectionSkip).
type GapPolicy string

// ErrorKind is why a handler failed (HandlerError).
type ErrorKind string

// The handler errors.
const (
	// ErrorPoison: the event can never be handled.
	ErrorPoison ErrorKind = "poison"
	// ErrorTransient: the handler failed this time; a retry may succeed.
	ErrorTransient ErrorKind = "transient"
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

// OutcomeNone: a record that carries no outcome. A hand-written history
// may leave a QueryReturn's outcome out; checks read it as an answer.
const OutcomeNone Outcome = ""

// Election is why a replicated partition changed (PartitionChange).
type Election string

// The elections.
const (
	// ElectionClean: a leader elected from the in-sync replicas.
	ElectionClean Election = "clean"
	// ElectionUnclean: a leader elected from outside the in-sync
	// replicas (unclean.leader.election.enable): records only the in-sync
	// replicas had are gone.
	ElectionUnclean Election = "unclean"
	// ElectionOffline: no replica may lead; the partition is offline.
	ElectionOffline Election = "offline"
	// ISRChange: the same leader, a new in-sync replica set.
	ISRChange Election = "isr"
)

// LeaveReason is why a member left its group (Leave); empty for a clean
// leave.
type LeaveReason string

// LeavePollTimeout is the reason of a Leave record that a member sent
// because it held a batch longer than its max poll interval (Kafka's
// max.poll.interval.ms): the group rebalances without it while its
// handler runs on.
const LeavePollTimeout LeaveReason = "max-poll-interval"

// The outcomes of a live consumer's offset commit (OffsetCommit,
// CommitFenced), besides OutcomeOK and OutcomeUnknown.
const (
	// OutcomeFenced: the broker refused the commit because the member's
	// generation or member id is no longer the group's (Kafka's
	// ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID).
	OutcomeFenced Outcome = "fenced"
	// OutcomeRebalancing: the broker refused the commit because the group
	// is rebalancing (REBALANCE_IN_PROGRESS).
	OutcomeRebalancing Outcome = "rebalance-in-progress"
)

// OffsetUnknown is the Offset of a PublishAck that carries no offset: an
// acks=0 send, which Kafka's producer counts as a success as soon as it
// is written to the connection, without learning where it landed.
const OffsetUnknown int64 = -1

// ExpireRebalanceTimeout is the LeaveReason of an Expire record of a
// member the broker removed because it had not rejoined a rebalance
// within the rebalance timeout (the members' max.poll.interval.ms),
// although its heartbeats went on.
const ExpireRebalanceTimeout LeaveReason = "rebalance-timeout"

// ModeAsOf: a query for an aggregate's state as of a past time (its
// Until): the stream replayed up to that time.
const ModeAsOf Mode = "as-of"

// ExpireOffsetsRetention is the LeaveReason of an Expire record of the
// broker (Node) that deleted Group's committed Offset of Topic/Partition
// because the group had had no members for its offsets retention
// (Kafka's offsets.retention.minutes, KIP-211).
const ExpireOffsetsRetention LeaveReason = "offsets-retention"

// LeaveStaticClose is the reason of a Leave record of a static member
// (one with a group.instance.id, KIP-345) that shut down cleanly: it
// committed and closed without sending LeaveGroup, as Kafka's consumer
// does for a static member, so the group keeps its place and partitions
// until its session timeout.
const LeaveStaticClose LeaveReason = "static-close"

// RevokeLost is the Reason of a Revoke record of partitions a member lost
// to a group error (it was removed, or left for outliving its max poll
// interval) rather than gave up at a rebalance: Kafka's
// onPartitionsLost.
const RevokeLost = "lost"

// The gap policies of a ProjectionSkip record (the projector's gap
// setting).
const (
	// GapSkipAfter: the projector skipped a gap after waiting its timeout.
	GapSkipAfter GapPolicy = "skip-after"
	// GapSkipNoWriter: the projector skipped a gap no live writer could
	// still fill.
	GapSkipNoWriter GapPolicy = "skip-if-no-live-writer"
	// GapWait: the projector waits for every gap to fill.
	GapWait GapPolicy = "wait"
)

// RebuildInPlace: a ProjectionReset that truncates the read model and
// replays while the live projector runs on.
const RebuildInPlace RebuildMode = "in-place"

// BasisUnknown is the Basis of a StoreAppend whose history does not say
// which version its command decided on. In a version 2 file a store
// append without a "basis" and without a "state" reads as unknown (a
// store that records the state its appends leave, as evsim's does, omits
// a basis of 0 like any zero field); "basis":-1 says it explicitly. A
// record built in Go sets it explicitly: a zero Basis is version 0.
const BasisUnknown int64 = -1

// UntilUnknown is the Until of an answered as-of QueryReturn whose
// history does not say which past time it asked about. In a version 2
// file an ok as-of query-return without an "until" and without a "logic"
// reads as unknown (evsim's sessions record the apply logic of every
// as-of answer and omit a time of 0 like any zero field); "until":-1 says
// it explicitly. A record built in Go sets it explicitly: a zero Until is
// time 0.
const UntilUnknown int64 = -1
