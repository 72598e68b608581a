package history

// Entry is one thing that happened, with every field spelled out: the
// form a recorder writes ([History.Add]), a check reads ([History.At],
// [History.All]) and the JSON Lines form holds, one line per entry. Each
// field has one meaning; fields that a kind does not use are zero and
// omitted from JSON. In memory a history keeps each entry as a compact
// [Record].
type Entry struct {
	// At is simulated time in nanoseconds since the start of the run.
	At        int64  `json:"at"`
	Kind      Kind   `json:"kind"`
	Node      string `json:"node,omitempty"`
	Group     string `json:"group,omitempty"`
	Topic     string `json:"topic,omitempty"`
	Partition int    `json:"partition,omitempty"`
	Offset    int64  `json:"offset,omitempty"`
	Event     string `json:"event,omitempty"`
	Key       string `json:"key,omitempty"`
	Type      string `json:"type,omitempty"`
	Amount    int64  `json:"amount,omitempty"`
	Attempt   int    `json:"attempt,omitempty"`
	Drained   bool   `json:"drained,omitempty"`
	// Payload is the event's own data as JSON, when the code that wrote
	// it has more to say than Type and Amount (a user's event type).
	Payload string `json:"payload,omitempty"`

	// CrashPoint is where a Crash struck: a point its node kind declares.
	CrashPoint CrashPoint `json:"crash_point,omitempty"`
	// Reason says why a command was rejected (CommandReturn), or why a
	// live client's request failed (the broker's error).
	Reason string `json:"reason,omitempty"`
	// GapPolicy is the policy by which a ProjectionSkip skipped a gap.
	GapPolicy GapPolicy `json:"gap_policy,omitempty"`
	// Rebuild is the mode of a ProjectionReset.
	Rebuild RebuildMode `json:"rebuild,omitempty"`
	// Switched, on a Checkpoint, says that a blue-green rebuild's new read
	// model took over answering queries at that checkpoint.
	Switched bool `json:"switched,omitempty"`
	// ErrorKind says why a handler failed (HandlerError).
	ErrorKind ErrorKind `json:"error_kind,omitempty"`
	// LeaveReason says why a member left (Leave: empty for a clean
	// leave) or was removed (Expire: empty for a missed session timeout).
	LeaveReason LeaveReason `json:"leave_reason,omitempty"`
	// Election says why a replicated partition changed (PartitionChange).
	Election Election `json:"election,omitempty"`
	// PowerLoss, on a Truncate, says the broker lost what it had not
	// flushed to disk, rather than cutting its log to its leader's.
	PowerLoss bool `json:"power_loss,omitempty"`

	// event sourcing and CQRS
	Version  int64  `json:"version,omitempty"`
	Position int64  `json:"position,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Basis is the version of its stream a command decided on (a
	// StoreAppend's, a replay's) or a saga read; [BasisUnknown] when the
	// history does not say.
	Basis   int64   `json:"basis,omitempty"`
	Command string  `json:"command,omitempty"`
	Outcome Outcome `json:"outcome,omitempty"`
	// Value is a number the record reports: the state of Key in a
	// group's store after an Effect, a balance after a command, a read
	// model row.
	Value  int64  `json:"value,omitempty"`
	Token  int64  `json:"token,omitempty"`
	SLO    int64  `json:"slo,omitempty"`
	Mode   Mode   `json:"mode,omitempty"`
	State  string `json:"state,omitempty"`
	Replay string `json:"replay,omitempty"`
	Logic  int    `json:"logic,omitempty"`

	// pub/sub

	// Service names the application a consumer member runs, when several
	// share one group; empty means the group's name.
	Service string `json:"service,omitempty"`
	// Style is "queue" on the Subscribe record of a queue-style
	// subscription, and StyleProjection on that of a read model fed by a
	// topic; empty means a Kafka-style log subscription.
	Style Style `json:"style,omitempty"`
	// Generation is the group generation a member acted in.
	Generation int `json:"generation,omitempty"`
	// Count is the number of records of a Poll, or of members of a
	// Rebalance.
	Count int `json:"count,omitempty"`
	// Partitions lists the partitions of an Assign, like "0,2,4" (a
	// string, so that records stay comparable).
	Partitions string `json:"partitions,omitempty"`
	// ProducerID and Seq identify an idempotent producer's record.
	ProducerID int64 `json:"producer_id,omitempty"`
	Seq        int64 `json:"seq,omitempty"`
	// Until is the end of a Pause, in nanoseconds since the start; of an
	// as-of Query and its QueryReturn, the past time asked about
	// ([UntilUnknown] when an answer's history does not say).
	Until int64 `json:"until,omitempty"`

	// sagas (P3)

	// From and To are the states of a SagaTransition (To also of a
	// SagaStart).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`

	// Stateful, on a Subscribe record, says that the subscriber's handler
	// reports the state it keeps: each of its Effect records carries the
	// state of the effect's Key in Value. Histories written without it
	// are judged stateful when an effect carries a non-zero Value.
	Stateful bool `json:"stateful,omitempty"`

	// Epoch is the epoch of an idempotent producer's record (with
	// ProducerID and Seq): the producer bumps it, and numbers the
	// partition's records from 0 again, after it gives up on a batch.
	Epoch int `json:"epoch,omitempty"`

	// Inferred says the record was not observed but inferred by the
	// recorder: in a live run, an append seen only through the producer's
	// acknowledgement, a consumer's fetch or the read-back of the log, or
	// a producer's retry seen only as a second request at the broker.
	Inferred bool `json:"inferred,omitempty"`

	// TxnID is the transactional id of a transaction's records (TxnInit,
	// TxnBegin, TxnCommit, TxnAbort, ProducerFenced).
	TxnID string `json:"txn_id,omitempty"`
	// Input, on the Publish and Append records of a consume-transform-
	// produce loop's output, is the id of the input event it derives
	// from; Group and Service then name the loop.
	Input string `json:"input,omitempty"`
	// Member is the member id a Kafka broker gave a group member (Join,
	// Assign, Revoke, and the commits of a live run): Node names the
	// process, Member its membership, new after each restart.
	Member string `json:"member,omitempty"`
}
