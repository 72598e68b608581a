package model

import "evsim/sim"

// Event kinds of the model's nodes: messages between them and their timers.
const (
	kindPublish   uint32 = iota + 1 // producer -> broker: *publishMsg
	kindAck                         // broker -> producer: A=partition B=offset, *publishMsg
	kindJoin                        // member -> broker: A=member index
	kindAssign                      // broker -> member: *assignMsg
	kindFetch                       // member -> broker: A=partition B=offset
	kindRecords                     // broker -> member: *recordsMsg
	kindCommit                      // member -> broker: A=partition B=offset
	kindTick                        // producer timer: publish the next event
	kindPoll                        // member timer: fetch again
	kindProcessed                   // member timer: the current record's processing time is over
)

type publishMsg struct {
	from sim.NodeID
	rec  Record
}

type assignMsg struct {
	partitions []int
	committed  []int64
}

type recordsMsg struct {
	partition int
	records   []Record
}
