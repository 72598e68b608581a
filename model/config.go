package model

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/evsim/evsim/sim"
)

// Config describes a pub/sub system: topics, producers and consumer groups.
// The zero value of every optional knob means the default named beside it,
// and no fault.
type Config struct {
	Topics    []TopicConfig
	Producers []ProducerConfig
	Consumers []ConsumerConfig
	// LatencyMin and LatencyMax bound the network latency of every message.
	// Zero means DefaultLatencyMin and DefaultLatencyMax. Links between
	// clients and the broker are FIFO, as TCP connections are.
	LatencyMin, LatencyMax time.Duration
}

// Default network latency bounds.
const (
	DefaultLatencyMin = 500 * time.Microsecond
	DefaultLatencyMax = 2 * time.Millisecond
)

// TopicConfig is one topic of the broker.
type TopicConfig struct {
	Name       string
	Partitions int
	// Retention is how long the broker keeps a record (0: forever). A group
	// whose position falls below the oldest kept record is reset by its
	// OffsetReset policy, as Kafka does on OFFSET_OUT_OF_RANGE.
	Retention time.Duration
	// Segment is how long a log segment takes appends before the broker
	// rolls a new one (0: DefaultSegment; Kafka's segment.ms). Retention
	// deletes whole segments: a segment goes once its newest record is
	// older than Retention.
	Segment time.Duration

	// ReplicationFactor is how many brokers hold each partition (0 or 1:
	// the single broker, which never crashes). Above 1 the topic lives on
	// a cluster of brokers (see [Replica]): a leader per partition,
	// followers that fetch from it, an in-sync replica set and a high
	// watermark below which consumers read.
	ReplicationFactor int
	// MinInsyncReplicas is Kafka's min.insync.replicas (0: 1): an acks=all
	// produce is refused while fewer replicas are in sync.
	MinInsyncReplicas int
	// UncleanLeaderElection is Kafka's unclean.leader.election.enable:
	// when no in-sync replica is alive, elect any live replica (losing
	// what only the in-sync ones had) instead of leaving the partition
	// offline.
	UncleanLeaderElection bool
	// ReplicaLagTimeMax is Kafka's replica.lag.time.max.ms (0:
	// DefaultReplicaLagTimeMax): a follower that has not caught up with
	// the leader's log end for this long leaves the in-sync set.
	ReplicaLagTimeMax time.Duration
	// BrokerSessionTimeout is Kafka's broker.session.timeout.ms (0:
	// DefaultBrokerSessionTimeout): how long after a broker's last
	// heartbeat the controller fences it and moves its leaderships.
	BrokerSessionTimeout time.Duration
	// FlushInterval is Kafka's flush.ms: how often a broker forces the
	// partition's log to disk. 0: never (Kafka's default), leaving it to
	// the operating system, which writes a page back once it has been
	// dirty for OSWriteback; FlushEveryWrite: every append, before it is
	// acknowledged (flush.messages=1). It matters only to a power loss.
	FlushInterval time.Duration
}

// DefaultSegment is Kafka's segment.ms, a week.
const DefaultSegment = 7 * 24 * time.Hour

// FlushEveryWrite is the FlushInterval that forces every append to disk.
const FlushEveryWrite time.Duration = -1

// OSWriteback is how long the operating system keeps a written page
// dirty before it writes it back (Linux's vm.dirty_expire_centisecs).
const OSWriteback = 30 * time.Second

// flushed returns the time up to which a log's appends are on disk at
// now under t's flush setting: what a power loss at now keeps.
func (t TopicConfig) flushed(now time.Duration) time.Duration {
	switch {
	case t.FlushInterval == FlushEveryWrite:
		return now
	case t.FlushInterval > 0:
		return now / t.FlushInterval * t.FlushInterval
	}
	return now - OSWriteback
}

// Replication defaults, Kafka's.
const (
	DefaultReplicaLagTimeMax    = 30 * time.Second
	DefaultBrokerSessionTimeout = 9 * time.Second
	// ReplicaFetchWaitMax is replica.fetch.wait.max.ms: how long a leader
	// holds a follower's fetch that finds nothing new.
	ReplicaFetchWaitMax = 500 * time.Millisecond
	// MaxReplicationFactor bounds a topic's replication factor, and so
	// the brokers of the cluster.
	MaxReplicationFactor = 9
)

// replicated reports whether t lives on the broker cluster.
func (t TopicConfig) replicated() bool { return t.ReplicationFactor > 1 }

// Partitioner is how a producer picks the partition of a record.
type Partitioner string

// Partitioners.
const (
	// PartitionByKey hashes the key (fnv-1a) modulo the partitions: every
	// record of a key lands in one partition, in order.
	PartitionByKey Partitioner = "key"
	// PartitionRoundRobin deals records to partitions in turn, ignoring the
	// key: the records of one key are spread over every partition.
	PartitionRoundRobin Partitioner = "round-robin"
	// PartitionExplicit sends every record to ProducerConfig.Partition.
	PartitionExplicit Partitioner = "explicit"
)

// Acks is how much the broker must have done before it acknowledges.
type Acks string

// Acknowledgement levels. On a topic with one replica, AcksLeader and
// AcksAll behave alike.
const (
	// AcksNone: fire and forget; the send succeeds as soon as it is sent,
	// with no offset, whether or not the broker appends it; no retry.
	AcksNone Acks = "0"
	// AcksLeader: acknowledged once the leader appended the record.
	AcksLeader Acks = "1"
	// AcksAll: acknowledged once every in-sync replica has it.
	AcksAll Acks = "all"
)

// ProducerConfig is a producer publishing events to one topic at a rate
// until Stop.
type ProducerConfig struct {
	Name  string
	Topic string
	// Interval is the mean gap between two publishes; each gap is drawn
	// uniformly from [Interval/2, 3*Interval/2].
	Interval time.Duration
	// Keys is the number of distinct keys ("acct-0" ... ) events are spread over.
	Keys int
	// Events are the event types to publish, drawn uniformly.
	Events []EventSpec
	// Stop is when the producer stops publishing (0: never).
	Stop time.Duration
	// Count, if above 0, is how many events the producer publishes before
	// it stops (its event counter is durable, so a restart does not publish
	// them again); 0: no limit.
	Count int

	// Partitioner picks the partition of each record ("": PartitionByKey).
	Partitioner Partitioner
	// Partition is the partition of PartitionExplicit.
	Partition int
	// Acks is the acknowledgement level ("": AcksAll).
	Acks Acks
	// RequestLoss is the probability that a produce request is lost on its
	// way to the broker (it is never appended); AckLoss the probability
	// that the broker's acknowledgement is lost on its way back (the record
	// is in the log, but the producer does not know). Like a stalled TCP
	// connection, a loss takes every later request, or answer, on the
	// connection with it, until the first lost one times out after
	// RequestTimeout: the producer then closes the connection, and every
	// request in flight on it fails and is retried. As in Kafka's Java
	// client, a failed request goes back to the front of its partition's
	// queue (in sequence order when Idempotent), so without idempotence
	// the requests of a partition that fail together go again newest
	// first.
	RequestLoss, AckLoss sim.Ratio
	// ErrorResponses is the probability that the broker answers a produce
	// request with a retriable error (as NOT_ENOUGH_REPLICAS or
	// NOT_LEADER_OR_FOLLOWER during a leader move do) without appending
	// it: the producer sends it again after RetryBackoff, while the
	// requests behind it in flight are appended. Only on the single
	// broker.
	ErrorResponses sim.Ratio
	// Retries is how many times a failed request (a timeout, a
	// retriable error, or, when Idempotent, a refusal out of sequence
	// with no earlier request in flight) is sent again before the
	// producer gives up (0: none).
	Retries int
	// RetryBackoff is the wait before a retry (0: DefaultRetryBackoff).
	RetryBackoff time.Duration
	// RequestTimeout is how long the producer waits for an acknowledgement
	// (0: DefaultRequestTimeout).
	RequestTimeout time.Duration
	// MaxInFlight is the most unacknowledged requests at once (0:
	// DefaultMaxInFlight). Above 1, a retry can land after a later request.
	MaxInFlight int
	// MetadataMaxAge is how often the producer refreshes its metadata
	// (Kafka's metadata.max.age.ms; 0: DefaultMetadataMaxAge): only then
	// does it learn that partitions were added to its topic.
	MetadataMaxAge time.Duration
	// BatchMax is the most records of one partition sent in one request
	// (0: DefaultBatchMax). Records that wait for an in-flight slot are
	// sent together, as Kafka's accumulator does.
	BatchMax int
	// Idempotent turns on the idempotent producer: the broker gives it a
	// producer id and checks a sequence number per partition, dropping
	// duplicates and rejecting records that arrive out of sequence. A
	// restarted producer gets a new id. It requires AcksAll.
	Idempotent bool
	// HotKey is the share of events that go to the first key (acct-0);
	// the rest are drawn uniformly over all keys (0: every key alike).
	HotKey sim.Ratio
	// Poison is the probability that an event is malformed: every handler
	// fails on it, on every attempt.
	Poison sim.Ratio
	// PoisonEvents names malformed events by their number: 17 poisons the
	// producer's 17th event (id NAME-17).
	PoisonEvents []int

	// sagas (P3)

	// Orders, if set, replaces Events and Keys by the order workload: each
	// publish places a new order and schedules its payment outcome.
	Orders *OrderFlow

	// transactions (see txn_config.go)

	// TransactionalID, if set, makes the producer transactional (Kafka's
	// transactional.id): a [TxnProducer].
	TransactionalID string
	// TransactionSize is the number of events of one transaction (0: 1).
	TransactionSize int
	// Abort is the probability that the application aborts a transaction
	// instead of committing it.
	Abort sim.Ratio
	// TransactionTimeout is how long the coordinator lets a transaction
	// stay open before it aborts it (0: DefaultTransactionTimeout).
	TransactionTimeout time.Duration
}

// Producer defaults.
const (
	DefaultRetryBackoff   = 10 * time.Millisecond
	DefaultRequestTimeout = 100 * time.Millisecond
	DefaultMaxInFlight    = 5
	// MaxInFlightIdempotent is the most requests in flight Kafka allows an
	// idempotent producer: the broker keeps the last five batches of each
	// producer and partition to detect duplicates.
	MaxInFlightIdempotent = 5
	DefaultBatchMax       = 500
	// DefaultMetadataMaxAge is Kafka's metadata.max.age.ms default.
	DefaultMetadataMaxAge = 5 * time.Minute
)

// EventSpec is one event type a producer publishes, with an amount drawn
// uniformly from [AmountMin, AmountMax].
type EventSpec struct {
	Type                 string
	AmountMin, AmountMax int64
}

// Commit is when a consumer commits the offset of a record (or, in a queue
// subscription, acknowledges it).
type Commit string

// Commit policies.
const (
	// CommitBeforeHandle commits the offset before the effect: a crash in
	// between skips the record (at most once).
	CommitBeforeHandle Commit = "before-handle"
	// CommitAfterHandle commits after the effect: a crash in between
	// redelivers it (at least once).
	CommitAfterHandle Commit = "after-handle"
	// CommitInterval is Kafka's auto-commit: inside a poll, once
	// CommitInterval has passed since the last one, it commits the
	// positions consumed so far; and on a clean revoke or leave. A member
	// that handles each batch before it polls again is at least once; with
	// WorkerThread it commits records still being handled.
	CommitInterval Commit = "interval"
	// CommitMaxCompleted commits, after each record, one past the highest
	// record completed so far, even if lower ones are still running: with
	// Concurrency above 1, a crash skips the unfinished ones.
	CommitMaxCompleted Commit = "max-completed"
	// CommitContiguousPrefix commits, after each record, one past the
	// longest prefix of completed records: nothing unfinished is ever
	// below the committed offset.
	CommitContiguousPrefix Commit = "contiguous-prefix"
)

// Dedup is how a consumer recognises a record it has already processed.
type Dedup string

// Dedup strategies.
const (
	// DedupNone applies every delivery.
	DedupNone Dedup = "none"
	// DedupSameTx records processed event ids in the effect's transaction
	// and skips ids already recorded.
	DedupSameTx Dedup = "same-tx"
	// DedupSeparateBefore marks the id in its own step before the effect:
	// a failure or crash after the mark and before the effect loses it.
	DedupSeparateBefore Dedup = "separate-before"
	// DedupSeparateAfter marks the id in its own step after the effect: a
	// crash in between lets a redelivery apply it again.
	DedupSeparateAfter Dedup = "separate-after"
)

// DedupScope is where processed ids are kept.
type DedupScope string

// Dedup scopes.
const (
	// ScopeShared keeps ids in the group's database, seen by every member
	// and kept across crashes.
	ScopeShared DedupScope = "shared"
	// ScopeMember keeps ids in each member's memory: another member does
	// not see them, and a crash forgets them.
	ScopeMember DedupScope = "member"
)

// OnError is what a consumer does when its handler fails on a record.
type OnError string

// Error policies.
const (
	// RetryForever retries the record after RetryBackoff until it succeeds:
	// a poison event stalls its partition.
	RetryForever OnError = "retry-forever"
	// Skip drops the failed record and moves on, silently.
	Skip OnError = "skip"
	// DeadLetter retries up to MaxAttempts tries, then parks the record in
	// the dead-letter queue and moves on.
	DeadLetter OnError = "dead-letter"
)

// Fencing is how far a group fences members of an old generation.
type Fencing string

// Fencing levels.
const (
	// FenceNone accepts every commit, from whoever sends it: a zombie
	// member's stale commits land. A what-if: no Kafka broker can be set
	// to accept them.
	FenceNone Fencing = "none"
	// FenceOffsets rejects offset commits from a member that is no longer
	// in the group (Kafka's UNKNOWN_MEMBER_ID, after its session timeout or
	// max poll interval) or not in its current generation
	// (ILLEGAL_GENERATION), as every Kafka broker does; the zombie's side
	// effects still land.
	FenceOffsets Fencing = "offsets"
	// FenceWrites also fences the effect: each partition's effect
	// transaction carries the member's generation as a fencing token, and
	// the group's database rejects a token older than one it has seen.
	// An application pattern: Kafka fences commits, not a consumer's own
	// database writes.
	FenceWrites Fencing = "writes"
)

// Assignor is how a group's partitions are spread over its members.
type Assignor string

// Assignment strategies.
const (
	// AssignRange gives each member a contiguous range of partitions, the
	// first members one more when they do not divide evenly.
	AssignRange Assignor = "range"
	// AssignRoundRobin deals partitions to members in turn.
	AssignRoundRobin Assignor = "round-robin"
	// AssignCooperativeSticky is Kafka's cooperative-sticky assignor with
	// the cooperative protocol (KIP-429): a member rejoins a rebalance
	// keeping its partitions and consuming them; the assignment keeps
	// each partition with its owner where balance allows, and a partition
	// that moves is first revoked by its owner alone, which rejoins at
	// once: a second rebalance hands it to its new member.
	AssignCooperativeSticky Assignor = "cooperative-sticky"
)

// Style is the kind of subscription.
type Style string

// Subscription styles.
const (
	// StyleLog is Kafka's: each partition is owned by one member of the
	// group, read in order from the committed offset.
	StyleLog Style = "log"
	// StyleQueue is SQS's or NATS JetStream's: any member takes any
	// message, acknowledges each one, and the broker redelivers a message
	// not acknowledged within AckTimeout. No order.
	StyleQueue Style = "queue"
)

// OffsetReset is where a group starts reading a partition without a
// (valid) committed offset.
type OffsetReset string

// Offset reset policies.
const (
	ResetEarliest OffsetReset = "earliest"
	ResetLatest   OffsetReset = "latest"
)

// ConsumerConfig is the members of one service in a consumer group:
// Members members consuming Topic with the named handler. Several entries
// may name the same Group (distinct Services): they then share its
// partitions, as two applications that copied one group id do. The
// group-level knobs (Style, Assignor, SessionTimeout, HeartbeatInterval,
// Fencing, OffsetReset, OffsetsRetention, AckTimeout, MaxDeliveries) must
// then agree.
type ConsumerConfig struct {
	Group string
	// Service names the application (default: Group); members are named
	// Service-0, Service-1, ...
	Service string
	Topic   string
	Members int
	// Handler names a built-in handler (see [Handlers]) unless Custom is set.
	Handler string
	// Custom, if set, is the handler itself (for Go users).
	Custom Handler
	Dedup  Dedup
	// DedupScope is where processed ids live ("": ScopeShared).
	DedupScope DedupScope
	// DedupWindow forgets a processed id this long after it was recorded
	// (0: never).
	DedupWindow time.Duration
	Commit      Commit
	// CommitInterval is the period of CommitInterval (0: DefaultCommitInterval).
	CommitInterval time.Duration
	// Concurrency is how many records of a batch a member handles at once
	// (0: 1). Records then complete out of order.
	Concurrency int
	// WorkerThread hands each batch to a worker thread and lets the poll
	// loop run on (every PollInterval), so the member never outlives
	// MaxPollInterval; with CommitInterval, its auto-commits then cover
	// records the worker has not handled yet.
	WorkerThread bool
	// Ordering says which records of a batch may be handled at once when
	// Concurrency is above 1 (0: OrderUnordered), as the Confluent
	// parallel consumer's ordering modes do.
	Ordering Ordering
	// ProcessingMin and ProcessingMax bound the time to handle one record.
	ProcessingMin, ProcessingMax time.Duration
	// Batch is the most records one fetch returns (0: DefaultBatch).
	Batch int
	// PollInterval is the wait before fetching again after an empty fetch
	// (0: DefaultPollInterval).
	PollInterval time.Duration
	// MaxPollInterval is how long a member may hold a batch before its
	// next poll (0: DefaultMaxPollInterval; Kafka's max.poll.interval.ms).
	// Past it the member leaves the group while its handler runs on, its
	// later commits are refused, and its next poll rejoins as a new member.
	MaxPollInterval time.Duration
	// Start is when the members first join (0: at once).
	Start time.Duration
	// InitialRebalanceDelay is how long the first rebalance of an empty
	// group waits for more members to join, extended by another delay
	// while members keep joining, up to MaxPollInterval in all. It is the
	// broker's group.initial.rebalance.delay.ms. 0: none, as the
	// server.properties Kafka ships sets it (for development; Kafka's own
	// default is KafkaInitialRebalanceDelay): the first member to join
	// gets a generation of its own and each later one starts a rebalance.
	InitialRebalanceDelay time.Duration

	// Style is the subscription style ("": StyleLog).
	Style Style
	// Assignor spreads partitions over members ("": AssignRange).
	Assignor Assignor
	// StaticMembership gives each member a group.instance.id, its name
	// (Kafka's static membership, KIP-345). A static member never sends
	// LeaveGroup: a clean shutdown commits and closes, and a crashed or
	// closed member keeps its place until its session timeout. Back
	// within it (joining as a new member id with the same instance id),
	// it gets its previous partitions in the current generation, with no
	// rebalance; past it, the broker removes it and the group rebalances.
	StaticMembership bool
	// SessionTimeout is how long the broker waits for a heartbeat before it
	// removes a member (0: DefaultSessionTimeout); HeartbeatInterval is
	// how often members send one (0: DefaultHeartbeatInterval).
	SessionTimeout, HeartbeatInterval time.Duration
	// Fencing is how the group fences members of an old generation ("":
	// FenceOffsets).
	Fencing Fencing
	// OffsetReset is where to start without a valid committed offset ("":
	// ResetEarliest; Kafka's own default is latest).
	OffsetReset OffsetReset
	// OffsetsRetention is how long the broker keeps the group's committed
	// offsets once the group has no members (Kafka's
	// offsets.retention.minutes, with KIP-211's rule): past it, they are
	// deleted and the members that come back start from OffsetReset. 0:
	// forever (Kafka's default is 7 days, 1 day before Kafka 2.0).
	OffsetsRetention time.Duration

	// OnError is what to do when the handler fails ("": RetryForever).
	OnError OnError
	// MaxAttempts is how many tries DeadLetter makes (0: DefaultMaxAttempts).
	MaxAttempts int
	// RetryBackoff is the wait before retrying a failed record (0:
	// DefaultConsumerRetryBackoff).
	RetryBackoff time.Duration
	// Failures is the probability that one handler attempt fails for a
	// passing reason (a timeout, a lock), and would succeed if retried.
	Failures sim.Ratio
	// LagSLO is the service's promise on its lag in time: every event
	// appended to its topic is applied within LagSLO of its append (0:
	// none). The model only records it (the subscribe record's slo), for
	// the lag-within-slo check.
	LagSLO time.Duration

	// AckTimeout is how long a queue subscription waits for an
	// acknowledgement before it redelivers (0: DefaultAckTimeout).
	AckTimeout time.Duration
	// MaxDeliveries is how many times a queue subscription delivers a
	// message before it dead-letters it (0: no limit).
	MaxDeliveries int

	// sagas (P3)

	// Saga is how the order saga handler guards its writes ("": SagaNone).
	Saga SagaConcurrency

	// transactions (see txn_config.go)

	// Isolation is what the members read ("": ReadUncommitted, Kafka's
	// default isolation.level).
	Isolation Isolation
	// Output, if set, makes the service a consume-transform-produce
	// loop: for each input record it writes one output record to this
	// topic in a Kafka transaction, with its offsets.
	Output string
	// TransactionalID is the prefix of the loop's transactional ids: one
	// per input partition, PREFIX-P (required with Output).
	TransactionalID string
}

// Consumer defaults.
const (
	DefaultBatch                = 50
	DefaultPollInterval         = 10 * time.Millisecond
	DefaultMaxPollInterval      = 5 * time.Minute
	DefaultCommitInterval       = 5 * time.Second
	DefaultSessionTimeout       = 10 * time.Second
	DefaultHeartbeatInterval    = 3 * time.Second
	DefaultMaxAttempts          = 3
	DefaultConsumerRetryBackoff = 100 * time.Millisecond
	DefaultAckTimeout           = 30 * time.Second
	// KafkaInitialRebalanceDelay is the default of Kafka's
	// group.initial.rebalance.delay.ms, which production brokers keep.
	KafkaInitialRebalanceDelay = 3 * time.Second
)

// withDefaults returns c with every zero knob set to its default.
func (c ProducerConfig) withDefaults() ProducerConfig {
	c.Partitioner = cmp.Or(c.Partitioner, PartitionByKey)
	c.Acks = cmp.Or(c.Acks, AcksAll)
	c.RetryBackoff = cmp.Or(c.RetryBackoff, DefaultRetryBackoff)
	c.RequestTimeout = cmp.Or(c.RequestTimeout, DefaultRequestTimeout)
	c.MaxInFlight = cmp.Or(c.MaxInFlight, DefaultMaxInFlight)
	c.BatchMax = cmp.Or(c.BatchMax, DefaultBatchMax)
	c.MetadataMaxAge = cmp.Or(c.MetadataMaxAge, DefaultMetadataMaxAge)
	return c
}

// Ordering is how a member orders the records of a batch it handles
// concurrently.
type Ordering string

// The orderings.
const (
	// OrderUnordered: any record of the batch may start while a worker is
	// free (Confluent parallel consumer's UNORDERED): records of one key
	// can complete out of order.
	OrderUnordered Ordering = "unordered"
	// OrderKey: records of different keys run at once, records of one key
	// one after another in offset order (the parallel consumer's KEY).
	OrderKey Ordering = "key"
)

// withDefaults returns c with every zero knob set to its default.
func (c ConsumerConfig) withDefaults() ConsumerConfig {
	c.Service = cmp.Or(c.Service, c.Group)
	c.Dedup = cmp.Or(c.Dedup, DedupNone)
	c.DedupScope = cmp.Or(c.DedupScope, ScopeShared)
	c.Commit = cmp.Or(c.Commit, CommitAfterHandle)
	c.CommitInterval = cmp.Or(c.CommitInterval, DefaultCommitInterval)
	c.Concurrency = cmp.Or(c.Concurrency, 1)
	c.Batch = cmp.Or(c.Batch, DefaultBatch)
	c.PollInterval = cmp.Or(c.PollInterval, DefaultPollInterval)
	c.MaxPollInterval = cmp.Or(c.MaxPollInterval, DefaultMaxPollInterval)
	c.Style = cmp.Or(c.Style, StyleLog)
	c.Assignor = cmp.Or(c.Assignor, AssignRange)
	c.SessionTimeout = cmp.Or(c.SessionTimeout, DefaultSessionTimeout)
	c.HeartbeatInterval = cmp.Or(c.HeartbeatInterval, DefaultHeartbeatInterval)
	c.Fencing = cmp.Or(c.Fencing, FenceOffsets)
	c.OffsetReset = cmp.Or(c.OffsetReset, ResetEarliest)
	c.OnError = cmp.Or(c.OnError, RetryForever)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultMaxAttempts)
	c.RetryBackoff = cmp.Or(c.RetryBackoff, DefaultConsumerRetryBackoff)
	c.AckTimeout = cmp.Or(c.AckTimeout, DefaultAckTimeout)
	return c
}

// Validate reports every problem of c in one error.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	topics := map[string]int{}
	for i, t := range c.Topics {
		if t.Name == "" {
			bad("topic %d: name is empty", i)
		}
		if _, dup := topics[t.Name]; dup {
			bad("topic %q: defined twice", t.Name)
		}
		topics[t.Name] = t.Partitions
		if t.Partitions < 1 {
			bad("topic %q: partitions %d: want at least 1", t.Name, t.Partitions)
		}
		if t.Segment < 0 {
			bad("topic %q: segment %v: want a positive duration", t.Name, t.Segment)
		}
		if t.Retention < 0 {
			bad("topic %q: retention %v: want 0 (forever) or a positive duration", t.Name, t.Retention)
		}
		if t.ReplicationFactor < 0 || t.ReplicationFactor > MaxReplicationFactor {
			bad("topic %q: replication factor %d: want 1 to %d", t.Name, t.ReplicationFactor, MaxReplicationFactor)
		}
		if t.MinInsyncReplicas < 0 || t.MinInsyncReplicas > max(1, t.ReplicationFactor) {
			bad("topic %q: min-insync-replicas %d: want 1 to the replication factor %d", t.Name, t.MinInsyncReplicas, max(1, t.ReplicationFactor))
		}
		if t.FlushInterval < FlushEveryWrite {
			bad("topic %q: flush interval %v: want a positive duration, 0 (never) or every write", t.Name, t.FlushInterval)
		}
		if t.ReplicaLagTimeMax < 0 || t.BrokerSessionTimeout < 0 {
			bad("topic %q: replica-lag-time-max and broker-session-timeout must be positive", t.Name)
		}
		if t.replicated() && t.Retention > 0 {
			bad("topic %q: retention is not modelled on a replicated topic yet", t.Name)
		}
		if !t.replicated() && (t.UncleanLeaderElection || t.ReplicaLagTimeMax > 0 || t.BrokerSessionTimeout > 0 || t.MinInsyncReplicas > 1 ||
			t.FlushInterval != 0) {
			bad("topic %q: min-insync-replicas, unclean-leader-election, replica-lag-time-max, broker-session-timeout and flush need a replication factor above 1", t.Name)
		}
	}
	names := map[string]bool{}
	for _, p := range c.Producers {
		if p.Name == "" || names[p.Name] {
			bad("producer %q: names must be unique and not empty", p.Name)
		}
		names[p.Name] = true
		parts, ok := topics[p.Topic]
		if !ok {
			bad("producer %q: unknown topic %q", p.Name, p.Topic)
		}
		if p.Interval <= 0 {
			bad("producer %q: rate must be positive", p.Name)
		}
		if p.Keys < 1 {
			bad("producer %q: keys %d: want at least 1", p.Name, p.Keys)
		}
		if p.Count < 0 || (p.Count > 0 && p.Orders != nil) {
			bad("producer %q: count %d: want a whole number, and no orders", p.Name, p.Count)
		}
		if len(p.Events) == 0 && p.Orders == nil {
			bad("producer %q: no events to publish", p.Name)
		}
		for _, e := range p.Events {
			if e.Type == "" || e.AmountMin > e.AmountMax {
				bad("producer %q: event %q: want a type and amount min <= max", p.Name, e.Type)
			}
		}
		switch p.Partitioner {
		case "", PartitionByKey, PartitionRoundRobin:
		case PartitionExplicit:
			if ok && (p.Partition < 0 || p.Partition >= parts) {
				bad("producer %q: partition %d: topic %q has partitions 0..%d", p.Name, p.Partition, p.Topic, parts-1)
			}
		default:
			bad("producer %q: unknown partitioner %q", p.Name, p.Partitioner)
		}
		switch p.Acks {
		case "", AcksAll:
		case AcksNone, AcksLeader:
			if p.Idempotent {
				bad("producer %q: the idempotent producer needs acks all, not %s", p.Name, p.Acks)
			}
		default:
			bad("producer %q: unknown acks %q: want 0, 1 or all", p.Name, p.Acks)
		}
		if o := p.Orders; o != nil && (o.PaymentMin < 0 || o.PaymentMin > o.PaymentMax || o.LateMin < 0 || o.LateMin > o.LateMax) {
			bad("producer %q: orders: want 0 <= min <= max for payment and late", p.Name)
		}
		for _, r := range []struct {
			name string
			r    sim.Ratio
		}{{"request-loss", p.RequestLoss}, {"ack-loss", p.AckLoss}, {"error-responses", p.ErrorResponses}, {"hot-key", p.HotKey},
			{"poison", p.Poison}, {"abort", p.Abort}} {
			if err := ratioError(r.r); err != nil {
				bad("producer %q: %s %v", p.Name, r.name, err)
			}
		}
		if p.Idempotent && p.Retries == 0 {
			bad("producer %q: the idempotent producer needs retries above 0 (Kafka refuses enable.idempotence with retries=0)", p.Name)
		}
		if p.Idempotent && p.MaxInFlight > MaxInFlightIdempotent {
			bad("producer %q: the idempotent producer allows at most %d requests in flight, not %d (max.in.flight.requests.per.connection)", p.Name, MaxInFlightIdempotent, p.MaxInFlight)
		}
		if p.ErrorResponses.Num > 0 && ok && c.Topics[slices.IndexFunc(c.Topics, func(t TopicConfig) bool { return t.Name == p.Topic })].replicated() {
			bad("producer %q: error-responses needs a topic on the single broker: a replicated topic's leaders answer with their own errors", p.Name)
		}
		if p.Retries < 0 || p.MaxInFlight < 0 || p.BatchMax < 0 || p.RetryBackoff < 0 || p.RequestTimeout < 0 {
			bad("producer %q: retries, max in flight, batch max, retry backoff and request timeout must not be negative", p.Name)
		}
	}
	groups := map[string]ConsumerConfig{}
	services := map[string]bool{}
	for _, g := range c.Consumers {
		gd := g.withDefaults()
		if g.Group == "" || names[g.Group] {
			bad("consumer group %q: names must be unique and not empty", g.Group)
		}
		if services[gd.Service] || names[gd.Service] {
			bad("consumer group %q: service %q appears twice", g.Group, gd.Service)
		}
		services[gd.Service] = true
		if first, ok := groups[g.Group]; ok {
			if first.Topic != g.Topic || first.Style != gd.Style || first.Assignor != gd.Assignor ||
				first.SessionTimeout != gd.SessionTimeout || first.HeartbeatInterval != gd.HeartbeatInterval ||
				first.Fencing != gd.Fencing || first.OffsetReset != gd.OffsetReset || first.OffsetsRetention != gd.OffsetsRetention ||
				first.AckTimeout != gd.AckTimeout || first.MaxDeliveries != gd.MaxDeliveries ||
				first.InitialRebalanceDelay != gd.InitialRebalanceDelay {
				bad("consumer group %q: services %q and %q share the group but disagree on its topic or group-level knobs", g.Group, first.Service, gd.Service)
			}
		} else {
			groups[g.Group] = gd
		}
		if _, ok := topics[g.Topic]; !ok {
			bad("consumer group %q: unknown topic %q", g.Group, g.Topic)
		}
		if g.Members < 1 {
			bad("consumer group %q: members %d: want at least 1", g.Group, g.Members)
		}
		if f, ok := g.Custom.(HandlerFunc); ok && f == nil {
			bad("consumer group %q: its Custom handler is a nil function", g.Group)
		}
		if err := ratioError(g.Failures); err != nil {
			bad("consumer group %q: failures %v", g.Group, err)
		}
		if g.Custom == nil {
			if _, ok := Handlers[g.Handler]; !ok {
				bad("consumer group %q: unknown handler %q", g.Group, g.Handler)
			}
		}
		switch gd.Dedup {
		case DedupNone, DedupSeparateBefore, DedupSeparateAfter:
		case DedupSameTx:
			if gd.DedupScope == ScopeMember {
				bad("consumer group %q: dedup same-tx lives in the database: it cannot have scope member", g.Group)
			}
		default:
			bad("consumer group %q: unknown dedup %q", g.Group, g.Dedup)
		}
		switch gd.DedupScope {
		case ScopeShared, ScopeMember:
		default:
			bad("consumer group %q: unknown dedup scope %q", g.Group, g.DedupScope)
		}
		switch gd.Commit {
		case CommitBeforeHandle, CommitAfterHandle:
		case CommitInterval, CommitMaxCompleted, CommitContiguousPrefix:
			if gd.Style == StyleQueue {
				bad("consumer group %q: a queue subscription acknowledges each message: commit before-handle or after-handle, not %s", g.Group, gd.Commit)
			}
		default:
			bad("consumer group %q: unknown commit policy %q", g.Group, g.Commit)
		}
		switch gd.Style {
		case StyleLog, StyleQueue:
		default:
			bad("consumer group %q: unknown style %q", g.Group, g.Style)
		}
		switch gd.Assignor {
		case AssignRange, AssignRoundRobin, AssignCooperativeSticky:
		default:
			bad("consumer group %q: unknown assignor %q", g.Group, g.Assignor)
		}
		if gd.Assignor == AssignCooperativeSticky && (gd.Style == StyleQueue || gd.Output != "" || gd.Fencing == FenceWrites) {
			bad("consumer group %q: assignor %s goes with a log subscription, without output or fencing writes", g.Group, gd.Assignor)
		}
		switch gd.Fencing {
		case FenceNone, FenceOffsets, FenceWrites:
		default:
			bad("consumer group %q: unknown fencing %q", g.Group, g.Fencing)
		}
		switch gd.OffsetReset {
		case ResetEarliest, ResetLatest:
		default:
			bad("consumer group %q: unknown offset reset %q", g.Group, g.OffsetReset)
		}
		switch g.Ordering {
		case "", OrderUnordered, OrderKey:
		default:
			bad("consumer group %q: unknown ordering %q: want unordered or key", g.Group, g.Ordering)
		}
		switch gd.OnError {
		case RetryForever, Skip, DeadLetter:
		default:
			bad("consumer group %q: unknown on-error %q", g.Group, g.OnError)
		}
		switch g.Saga {
		case "", SagaNone, SagaOptimistic:
		default:
			bad("consumer group %q: unknown saga concurrency %q: want none or optimistic", g.Group, g.Saga)
		}
		if g.WorkerThread && (gd.Commit != CommitInterval || gd.Style != StyleLog) {
			bad("consumer group %q: worker-thread goes with commit interval (auto-commit) on a log subscription", g.Group)
		}
		if g.ProcessingMin < 0 || g.ProcessingMin > g.ProcessingMax {
			bad("consumer group %q: processing %v..%v: want 0 <= min <= max", g.Group, g.ProcessingMin, g.ProcessingMax)
		}
		if g.Concurrency < 0 || g.Batch < 0 || g.MaxAttempts < 0 || g.MaxDeliveries < 0 {
			bad("consumer group %q: concurrency, batch, max attempts and max deliveries must not be negative", g.Group)
		}
		if g.DedupWindow < 0 || g.InitialRebalanceDelay < 0 || g.CommitInterval < 0 || g.PollInterval < 0 || g.MaxPollInterval < 0 || g.Start < 0 || g.RetryBackoff < 0 ||
			g.SessionTimeout < 0 || g.HeartbeatInterval < 0 || g.AckTimeout < 0 || g.OffsetsRetention < 0 {
			bad("consumer group %q: durations must not be negative", g.Group)
		}
		if g.OffsetsRetention != 0 && gd.Style == StyleQueue {
			bad("consumer group %q: offsets-retention: a queue subscription has no committed offsets", g.Group)
		}
		if gd.HeartbeatInterval >= gd.SessionTimeout {
			bad("consumer group %q: heartbeat interval %v must be shorter than the session timeout %v", g.Group, gd.HeartbeatInterval, gd.SessionTimeout)
		}
	}
	c.validateTxn(bad)
	if c.LatencyMin < 0 || c.LatencyMin > c.LatencyMax && c.LatencyMax != 0 {
		bad("latency %v..%v: want 0 <= min <= max", c.LatencyMin, c.LatencyMax)
	}
	return errors.Join(errs...)
}

// ratioError refuses a probability that is not one: a fraction with no
// denominator (sim.Ratio{Num: 1}, which never strikes), or one above 1.
// Zero is a knob that is off.
func ratioError(r sim.Ratio) error {
	if r.Num > 0 && (r.Den == 0 || r.Num > r.Den) {
		return fmt.Errorf("%d/%d: want a fraction num/den with den above 0 and num at most den", r.Num, r.Den)
	}
	return nil
}
