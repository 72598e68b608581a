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
	// Topic/Partition; Node is the member that asked. Outcome is empty or
	// ok when the broker took the commit; a live run records a commit
	// whose answer never came with Outcome unknown (the broker may or may
	// not have taken it), and checks count only the commits known taken.
	OffsetCommit Kind = "offset-commit"
	// Crash: Node crashed at CrashPoint.
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
	// rejected (Reason says why), conflict (retries exhausted) or
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
	// at global Position (GapPolicy: the policy that decided it).
	ProjectionSkip Kind = "projection-skip"
	// ProjectionUnhandled: projector Node of read model Group read Event
	// (stream Key at Version, global Position, Type, Amount, Payload) and
	// left its row alone, because its code has no handler for the event's
	// Type (an older version of the projection than the code that wrote
	// the event). Its checkpoint passes the event as if applied.
	ProjectionUnhandled Kind = "projection-unhandled"
	// ProjectionReset: read model Group was truncated to be rebuilt (Rebuild:
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
	// none; Partitions, for a member of the cooperative protocol, the
	// partitions it keeps while it rejoins). A live run records the Join when the broker's answer comes,
	// with Member the member id the broker gave: a restarted process
	// rejoins under the same Node with a new Member.
	Join Kind = "join"
	// Leave: Node left Group cleanly, or, with LeaveReason LeavePollTimeout,
	// because it held a batch longer than its max poll interval. With
	// LeaveReason LeaveStaticClose, Node is a static member that shut down
	// without sending LeaveGroup: the group keeps its place until its
	// session timeout.
	Leave Kind = "leave"
	// Expire: the broker removed Node from Group because no heartbeat came
	// within the session timeout (or, with LeaveReason
	// ExpireRebalanceTimeout, no rejoin within the rebalance timeout); with
	// LeaveReason ExpireOffsetsRetention, the broker Node deleted Group's
	// committed Offset of Topic/Partition.
	Expire Kind = "expire"
	// Rebalance: the broker completed a rebalance of Group: Generation is
	// the new generation and Count the number of members.
	Rebalance Kind = "rebalance"
	// Assign: Group member Node owns Partitions of Topic in Generation
	// (Member: its broker member id, in a live run). Partitions is empty
	// when the member got none.
	Assign Kind = "assign"
	// CommitFenced: the broker rejected Node's commit of Offset for
	// Topic/Partition because Generation is not the group's current one.
	// A live run says why in Outcome (fenced, or rebalance-in-progress)
	// and gives the broker's error in Reason.
	CommitFenced Kind = "commit-fenced"
	// Fenced: Node's effect transaction for Event was rejected because a
	// newer generation (Generation is Node's) had written the partition.
	Fenced Kind = "fenced"
	// HandlerError: the handler failed on Event at its Attempt-th try;
	// ErrorKind says why (poison or transient).
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
	// separated). Election says why: ElectionClean, ElectionUnclean,
	// ElectionOffline, or ISRChange (same leader, new in-sync set).
	PartitionChange Kind = "partition-change"
	// Truncate: broker Node cut its log of Topic/Partition at Offset (the
	// new log end), dropping Count records the partition's leader does
	// not have: a follower catching up after a leader change, by leader
	// epochs.
	Truncate Kind = "truncate"

	// revocations (live runs and the model)

	// Revoke: Group member Node gave up Partitions of Topic at the end of
	// Generation (Member: its broker member id): a rebalance revoked
	// them (or its clean shutdown did), or, with Reason RevokeLost
	// ("lost"), the member lost them to a group error (an expired
	// session, a fenced generation) without a rebalance's notice.
	Revoke Kind = "revoke"

	// topics

	// AddPartitions: broker Node grew Topic to Count partitions, adding
	// Partitions (comma separated), as kafka-topics --alter --partitions
	// does: the old partitions keep their records.
	AddPartitions Kind = "add-partitions"
)
