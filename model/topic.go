package model

import (
	"github.com/evsim/evsim/sim"
)

// partitionLog is one append-only partition of a topic. Records below
// start were deleted by retention; offsets are never reused.
//
// On a replicated topic it is the partition's committed view: the current
// leader's log below its high watermark, what consumers may read; offline
// says that no broker leads the partition (consumers read nothing).
type partitionLog struct {
	records []Record
	start   int64
	offline bool
}

// end returns the offset the next record will get.
func (l *partitionLog) end() int64 { return int64(len(l.records)) }

// expire deletes, by moving start, the records appended before cutoff.
func (l *partitionLog) expire(cutoff sim.Time) {
	for l.start < l.end() && l.records[l.start].appended < cutoff {
		l.start++
	}
}

// topic is a named set of partitions on the broker.
type topic struct {
	name       string
	partitions []partitionLog
	retention  sim.Time
	groups     []*group
	// repl holds, per partition, the replication state of a topic on the
	// broker cluster (nil: the single broker).
	repl []*partitionState
	cfg  TopicConfig
	// txn says that a transaction wrote the topic: its logs may hold
	// control markers and aborted records.
	txn bool
}

// expire applies retention to partition p at now.
func (t *topic) expire(p int, now sim.Time) {
	if t.retention > 0 && now > t.retention {
		t.partitions[p].expire(now - t.retention)
	}
}

// growByDoubling returns s with room for one more element. A log grows by doubling
// (append grows a large slice by a quarter at a time, copying a long log
// over and over); like append, it copies s when s is full, so a capped
// slice is never written past its capacity.
func growByDoubling[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	ns := make([]T, len(s), max(2*cap(s), 64))
	copy(ns, s)
	return ns
}
