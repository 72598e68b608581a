// Package history is the record of everything that happened in a run: the
// one contract between the simulated world and its judges. Checks and
// reports import only this package, so a history recorded anywhere (a
// simulation, a real broker) can be judged the same way.
//
// A [History] is a slice of [Record]s in the order they happened. Its JSON
// Lines form starts with a header line naming the schema version
// ([Schema]), then one record per line.
package history

// Kind names what a record reports.
type Kind string

// The record kinds. Each documents the fields it uses besides At and Node.
const (
	// Subscribe: Group consumes Topic (recorded once per group and topic at
	// the start, so that checks know who must receive what). With Style
	// StyleProjection, Group is a read model whose projector Node reads
	// Topic: its ProjectionApply and Checkpoint records then carry Topic,
	// Partition and Offset (for a Checkpoint, the next offset to read of
	// Partition), and a row's Version counts the records of Key applied.
	Subscribe Kind = "subscribe"
	// Publish: Node asks to publish Event (Key, Type, Amount) to Topic.
	Publish Kind = "publish"
	// PublishAck: the broker acknowledged Event at Partition/Offset.
	PublishAck Kind = "publish-ack"
	// Append: the broker appended Event to Topic/Partition at Offset.
	Append Kind = "append"
	// Deliver: Group member Node received Event (Topic/Partition/Offset) for
	// the Attempt-th time in that group.
	Deliver Kind = "deliver"
	// Effect: Group member Node applied Event's effect (Key, Amount) in a
	// committed transaction.
	Effect Kind = "effect"
	// Dedup: Group member Node skipped Event because its id was already
	// recorded as processed.
	Dedup Kind = "dedup"
	// OffsetCommit: Group committed Offset (the next offset to read) for
	// Topic/Partition; Node is the member that asked.
	OffsetCommit Kind = "offset-commit"
	// Crash: Node crashed at Point.
	Crash Kind = "crash"
	// Restart: Node came back up.
	Restart Kind = "restart"
	// End: the run ended. Drained says whether every group had caught up
	// with the log when it did.
	End Kind = "end"

	// event sourcing and CQRS

	// Command: client session Node invokes command Command (Type, Amount)
	// on aggregate Key; Attempt counts its tries from 1. Mode says how the
	// client validates it (write-model or read-model).
	Command Kind = "command"
	// CommandReturn: the command's final answer reached Node. Outcome is ok,
	// rejected (Point holds the reason), conflict (retries exhausted) or
	// unknown (the answer never came). On ok, Version is the stream version
	// after the command, Position the global position of its last event
	// (the read-your-writes token) and Value the aggregate's value (a
	// balance) after it; on rejected, Value is the value it decided on.
	CommandReturn Kind = "command-return"
	// StoreAppend: event store Node committed Event (Type, Amount) to
	// stream Key at stream Version and global Position, for Command.
	// Expected is the expected version sent (any, no-stream or a number)
	// and Basis the stream version the command decided on.
	StoreAppend Kind = "store-append"
	// StoreReserve: the store reserved global Position for an append to
	// Key by Command before the commit (reserved positions only).
	StoreReserve Kind = "store-reserve"
	// StoreRollback: the append to Key by Command holding Position (0 when
	// positions are assigned at commit) rolled back: nothing was written.
	StoreRollback Kind = "store-rollback"
	// StoreDuplicate: the store ignored an append of Event to Key by
	// Command because the event id is already in the stream (idempotent
	// append); Version and Position are the existing event's.
	StoreDuplicate Kind = "store-duplicate"
	// Snapshot: Node saved a snapshot of aggregate Key at Version with
	// state State, stamped with the apply logic Logic.
	Snapshot Kind = "snapshot"
	// Load: Node rebuilt aggregate Key at Version. State is the state it
	// got (from the snapshot at Basis plus the tail when Basis > 0) and
	// Replay the state a full replay of the stream gives under the apply
	// logic Logic.
	Load Kind = "load"
	// ProjectionApply: projector Node applied Event (stream Key at Version,
	// global Position, Type, Amount) to read model Group in a committed
	// transaction; Value is the read model row after it. A projector of a
	// topic gives the record's Topic, Partition and Offset instead of a
	// Position, and Version is then the number of Key's records applied to
	// the row.
	ProjectionApply Kind = "projection-apply"
	// Checkpoint: projector Node committed checkpoint Position (every
	// position up to it is handled) for read model Group. A projector of a
	// topic checkpoints one partition at a time: Topic, Partition and
	// Offset, the next offset to read (every offset below it is handled).
	Checkpoint Kind = "checkpoint"
	// StalenessSLO: read model Group promises a staleness bound: no
	// committed event waits longer than SLO nanoseconds to be applied to
	// it. Recorded once per read model that has one, at the start of the
	// run, by its projector Node.
	StalenessSLO Kind = "staleness-slo"
	// ProjectionSkip: projector Node of read model Group skipped the gap
	// at global Position (Point: the gap policy that decided it).
	ProjectionSkip Kind = "projection-skip"
	// ProjectionReset: read model Group was truncated to be rebuilt (Point:
	// the rebuild mode); Node is the rebuilder.
	ProjectionReset Kind = "projection-reset"
	// Query: client Node asks Group (a read model, or "" for the write
	// side) for aggregate Key; Mode is eventual, read-your-writes or
	// strong, Token the global position it waits for (read-your-writes).
	Query Kind = "query"
	// QueryReturn: the answer reached Node: Value and Version are the row
	// read (Version 0: no row), Position the read model's checkpoint when
	// it answered; Outcome is ok, or timeout when a read-your-writes wait
	// gave up.
	QueryReturn Kind = "query-return"
	// LostAnswer: the event store answered Command in a way that left the
	// outcome unknown to the client (a lost answer); recorded by Node, the
	// store, for the timeline.
	LostAnswer Kind = "lost-answer"
	// pub/sub

	// PublishRetry: producer Node sends Event again (Attempt) because its
	// request timed out: the request or its acknowledgement was lost.
	PublishRetry Kind = "publish-retry"
	// PublishFail: producer Node gave up on Event after Attempt tries; the
	// outcome is unknown (it may be in the log).
	PublishFail Kind = "publish-fail"
	// Poll: Group member Node fetched the records of Topic/Partition at
	// offsets Offset through Offset+Count-1, in Generation. Transaction
	// markers among them, and for a read-committed member the records of
	// aborted transactions, are stepped over, not handed to it.
	Poll Kind = "poll"
	// Join: Node asks to join Group (Generation is the one it knew, 0 if
	// none).
	Join Kind = "join"
	// Leave: Node left Group cleanly, or, with Point LeavePollTimeout,
	// because it held a batch longer than its max poll interval.
	Leave Kind = "leave"
	// Expire: the broker removed Node from Group because no heartbeat came
	// within the session timeout.
	Expire Kind = "expire"
	// Rebalance: the broker completed a rebalance of Group: Generation is
	// the new generation and Count the number of members.
	Rebalance Kind = "rebalance"
	// Assign: Group member Node owns Partitions of Topic in Generation.
	Assign Kind = "assign"
	// CommitFenced: the broker rejected Node's commit of Offset for
	// Topic/Partition because Generation is not the group's current one.
	CommitFenced Kind = "commit-fenced"
	// Fenced: Node's effect transaction for Event was rejected because a
	// newer generation (Generation is Node's) had written the partition.
	Fenced Kind = "fenced"
	// HandlerError: the handler failed on Event at its Attempt-th try;
	// Point says why (poison or transient).
	HandlerError Kind = "handler-error"
	// DeadLetter: Group gave up on Event after Attempt tries and parked it
	// in the dead-letter queue (Node is the member or the broker).
	DeadLetter Kind = "dead-letter"
	// Ack: queue-style Group member Node acknowledged Event (per message).
	Ack Kind = "ack"
	// Pause: Node stalled (a long GC-like pause) until Until.
	Pause Kind = "pause"

	// sagas (P3)

	// SagaStart: Group member Node started a saga instance for correlation
	// id Key on Event (Type): the instance's row did not exist when Node
	// read it. To is the state it starts in, Version the row's version
	// written (Basis the version read).
	SagaStart Kind = "saga-start"
	// SagaTransition: Node moved saga Key from state From to state To on
	// Event (Type), writing the row at Version (Basis the version read).
	SagaTransition Kind = "saga-transition"
	// SagaCompleted: saga Key completed on Event, at Version.
	SagaCompleted Kind = "saga-completed"
	// SagaCompensated: saga Key was compensated (its order cancelled and
	// its payment refunded) on Event, at Version.
	SagaCompensated Kind = "saga-compensated"
	// SagaConflict: Node's write of saga Key on Event was rejected: it had
	// read the row at Basis, but the row is at Version now (optimistic
	// concurrency). Node reloads the row and handles Event again.
	SagaConflict Kind = "saga-conflict"

	// replication

	// PartitionChange: the controller changed the state of replicated
	// partition Topic/Partition. Node leads it from now on ("" when no
	// broker does: the partition is offline), in leader epoch Generation,
	// with the in-sync replicas Partitions (broker names, comma
	// separated). Point says why: ElectionClean, ElectionUnclean,
	// ElectionOffline, or ISRChange (same leader, new in-sync set).
	PartitionChange Kind = "partition-change"
	// Truncate: broker Node cut its log of Topic/Partition at Offset (the
	// new log end), dropping Count records the partition's leader does
	// not have: a follower catching up after a leader change, by leader
	// epochs.
	Truncate Kind = "truncate"
)

// Record is one thing that happened. Fields that a kind does not use are
// zero and omitted from JSON.
type Record struct {
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
	Point     string `json:"point,omitempty"`
	Drained   bool   `json:"drained,omitempty"`

	// event sourcing and CQRS
	Version  int64   `json:"version,omitempty"`
	Position int64   `json:"position,omitempty"`
	Expected string  `json:"expected,omitempty"`
	Basis    int64   `json:"basis,omitempty"`
	Command  string  `json:"command,omitempty"`
	Outcome  Outcome `json:"outcome,omitempty"`
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
	// Until is the end of a Pause, in nanoseconds since the start.
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
	// acknowledgement, a consumer's fetch or the read-back of the log.
	Inferred bool `json:"inferred,omitempty"`

	// TxnID is the transactional id of a transaction's records (TxnInit,
	// TxnBegin, TxnCommit, TxnAbort, ProducerFenced).
	TxnID string `json:"txn_id,omitempty"`
	// Input, on the Publish and Append records of a consume-transform-
	// produce loop's output, is the id of the input event it derives
	// from; Group and Service then name the loop.
	Input string `json:"input,omitempty"`
}

// History is the ordered list of records of one run. The zero value is an
// empty history ready to use. A History is not safe for concurrent use.
type History struct {
	Records []Record
	// Source says where the records come from; empty means evsim's own
	// simulation, with simulated time in causal order. A live run names
	// the broker and the clients: its times are wall-clock time and its
	// order is the order one observer saw things in.
	Source string
}

// Add appends a record.
func (h *History) Add(r Record) { h.Records = append(h.Records, r) }

// Len returns the number of records.
func (h *History) Len() int { return len(h.Records) }
