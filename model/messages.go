package model

import (
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// Event kinds of the model's nodes: messages between them and their timers.
const (
	kindPublish        uint32 = iota + 1 // producer -> broker: *produceReq; any other publisher -> broker: *publishMsg
	kindProduceResp                      // broker -> producer: A=status B=first offset, *produceReq
	kindJoin                             // member -> broker: *joinMsg
	kindAssign                           // broker -> member: *assignMsg
	kindHeartbeat                        // member -> broker: *memberRef
	kindHeartbeatResp                    // broker -> member: A=error code, *memberRef
	kindLeave                            // member -> broker: *memberRef
	kindFetch                            // member -> broker: *fetchMsg; topic projector -> broker: *topicReadMsg
	kindRecords                          // broker -> member or topic projector: *recordsMsg
	kindCommit                           // member -> broker: A=partition B=offset, *memberRef
	kindCommitResp                       // broker -> member: A=partition B=error code, *memberRef (sent only on rejection)
	kindAck                              // broker -> publisher of a *publishMsg: A=partition B=offset, *publishMsg
	kindQueueAck                         // queue member -> broker: A=partition B=offset, *memberRef
	kindTick                             // producer timer: publish the next event
	kindRequestTimeout                   // producer timer: B=attempt, *produceReq
	kindRetrySend                        // producer timer: send *produceReq again
	kindStart                            // member timer: join for the first time
	kindPoll                             // member timer: fetch again
	kindProcessed                        // member timer: A=batch index B=batch epoch; processing is over
	kindRetry                            // member timer: A=batch index B=batch epoch; retry a failed record
	kindHeartbeatTick                    // member timer: B=heartbeat chain; send a heartbeat
	kindCommitTick                       // member timer: B=commit chain; interval commit
	kindRejoin                           // member timer: come back after a clean leave
	kindSessionCheck                     // broker timer: A=group<<32|member id B=heartbeat count
	kindAckDeadline                      // broker timer: A=group<<32|partition B=offset
	kindControl                          // control timer: A=action index
	kindOrderStep                        // producer timer: publish an order's follow-up, *orderStep

	// replication
	kindReplicaFetch     // follower -> leader: *replicaFetch
	kindReplicaFetchResp // leader -> follower: *replicaFetchResp
	kindFetchWait        // leader timer: a parked *replicaFetch waited its longest
	kindISRCheck         // leader timer: A=partition index B=leader epoch; drop lagging followers
	kindLeaderAndISR     // controller -> broker: *partitionInfo, the partition's new state
	kindAlterPartition   // leader -> controller: *alterPartition
	kindBrokerHeartbeat  // broker -> controller: A=broker index B=incarnation, *brokerHeartbeat
	kindBrokerTick       // broker timer: heartbeat the controller, restart stalled fetch loops
	kindBrokerExpire     // controller timer: A=broker index B=heartbeats heard; its session ran out
	kindMetadata         // producer -> controller: A=partition
	kindMetadataResp     // controller -> producer: A=partition B=leader node (-1: none)

	// consumers
	kindPollTimeout      // member timer: B=batch epoch; the batch outlived the max poll interval
	kindRebalanceDelay   // broker timer: A=group B=delay chain; a wait of the initial rebalance delay is over
	kindRebalanceTimeout // broker timer: A=group B=rebalance chain; the members not rejoined by now are removed
	kindOffsetsExpire    // broker timer: A=group B=empty chain; the group has been empty for its offsets retention

	// transactions
	kindTxnTimeout // broker timer: A=transactional state index B=timer chain; the transaction outlived its timeout
)

// Produce statuses, in kindProduceResp's A.
const (
	produceOK         = 0
	produceDuplicate  = 1 // an idempotent retry of a record already in the log: acknowledged with its offset
	produceOutOfOrder = 2 // an idempotent record whose predecessor has not arrived, or of an older epoch: retry it
	// retriable errors of a replicated partition: the producer refreshes
	// its metadata and retries
	produceNotLeader            = 3 // NOT_LEADER_OR_FOLLOWER: the broker does not lead the partition
	produceNotEnoughReplicas    = 4 // NOT_ENOUGH_REPLICAS: acks all, fewer in-sync replicas than min-insync-replicas; not appended
	produceNotEnoughAfterAppend = 5 // NOT_ENOUGH_REPLICAS_AFTER_APPEND: appended and replicated, but the in-sync set shrank below the minimum
	produceRetriable            = 6 // a retriable error response drawn by ProducerConfig.ErrorResponses: not appended
)

// Group errors, in kindHeartbeatResp's A and kindCommitResp's B.
const (
	errRebalance     = 1 // a rebalance is in progress or the generation moved on: rejoin
	errUnknownMember = 2 // the member was removed (session timeout): rejoin as a new member
)

// publishMsg is the simple publish of one record by a node that is not a
// [Producer] (an outbox relay, a command session): the broker partitions
// it by key, appends it and acknowledges it with kindAck. No retries, no
// idempotence.
type publishMsg struct {
	from sim.NodeID
	rec  Record
}

// produceReq is one produce request: a batch of records of one partition,
// numbered from seq when the producer is idempotent. Retries resend the
// same value.
type produceReq struct {
	from      sim.NodeID
	records   []Record
	topic     *topic
	partition int
	pid, seq  int64
	epoch     int // the producer epoch the sequence numbers belong to
	acks      Acks
	attempt   int  // sends so far
	timeouts  int  // failed attempts so far, counted against ProducerConfig.Retries
	answered  int  // the attempt that got a response
	parked    bool // refused as out of sequence: waits for its predecessor
	done      bool
	refuse    bool       // the broker answers this attempt with a retriable error (ErrorResponses)
	backoff   bool       // failed: waits in the producer's requeued until it is sent again
	retryAt   sim.Time   // when a failed request's retry backoff is over
	resend    bool       // parked until now: to be sent again when its timer fires
	dst       sim.NodeID // the broker the current attempt went to (-1: none)
	// one holds the record of a batch of one, the usual batch, so that
	// the request and its records are one allocation; buf holds a longer
	// batch, and is kept when the request is reused.
	one [1]Record
	buf []Record
}

type joinMsg struct {
	group    *group
	member   sim.NodeID
	name     string
	memberID int // 0: a new member
	// instance is the member's group.instance.id ("": a dynamic member).
	instance string
	// owned are the partitions a cooperative member keeps while it
	// rejoins (KIP-429's owned partitions); nil for an eager member.
	owned []int
}

type assignMsg struct {
	memberID   int
	generation int
	partitions []int
	positions  []int64 // -1: no committed offset; the broker resets on fetch
}

// fetchMsg is a member's fetch and, once the broker has answered, its
// answer: the broker answers a fetch once, with &reply, and is done with
// the message then. The member reuses the message for a later fetch
// once the answer has come back to it, and never before: a fetch lost on
// the way, or answered to a member that crashed since, is never reused.
type fetchMsg struct {
	fetchReq
	reply recordsMsg
}

// fetchReq is what a member asks in a fetch.
type fetchReq struct {
	group  *group
	member sim.NodeID
	epoch  int64
	max    int
	// partitions and positions of a log subscription: the broker scans
	// them from start, round robin, and returns the first with records.
	partitions []int
	positions  []int64
	start      int
	// iso is the member's isolation level.
	iso Isolation
	// buf is an array the member lends for the records (nil: none); it
	// owns it again when the records come back.
	buf []Record
}

type recordsMsg struct {
	epoch     int64
	partition int
	from      int64
	// next is the offset to read next: past the records, and past any
	// control markers or aborted records the broker stepped over.
	next     int64
	records  []Record
	attempts []int // queue subscriptions: the delivery count of each record
	// fetch is the fetch this answers, when it answers a member's
	// ([fetchMsg.reply]; nil otherwise).
	fetch *fetchMsg
}

// memberRef is who a member is in one generation: it rides on commits,
// acknowledgements, heartbeats and leaves. A member makes a new one for
// every assignment and never changes one it has sent.
type memberRef struct {
	group      *group
	member     sim.NodeID
	name       string
	hname      *history.Name // name, as the history names it
	memberID   int
	generation int
}
