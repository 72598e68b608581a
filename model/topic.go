package model

import (
	"cmp"

	"github.com/evsim/evsim/model/history"

	"github.com/evsim/evsim/sim"
)

// partitionLog is one append-only partition of a topic. Records below
// start were deleted by retention; offsets are never reused.
//
// On a replicated topic it is the partition's committed view: the current
// leader's log below its high watermark, what consumers may read; offline
// says that no broker leads the partition (consumers read nothing).
type partitionLog struct {
	records []logRecord
	start   int64
	offline bool
}

// end returns the offset the next record will get.
func (l *partitionLog) end() int64 { return int64(len(l.records)) }

// expire deletes, by moving start, the log's oldest segments whose
// newest record was appended before cutoff, as Kafka's retention does: it
// deletes whole segments, so a record lives on while a newer one shares
// its segment. A segment begins at start or where the one before it
// rolled: at the first record appended segment or more after the
// segment's first record (segment.ms). The active segment goes too when
// all of it is expired (Kafka rolls a new, empty one).
func (l *partitionLog) expire(cutoff, segment sim.Time) {
	for l.start < l.end() {
		base := l.records[l.start].appended
		next := l.start + 1
		for next < l.end() && l.records[next].appended < base+segment {
			next++
		}
		if l.records[next-1].appended >= cutoff {
			return
		}
		l.start = next
	}
}

// topic is a named set of partitions on the broker.
type topic struct {
	name  string
	hname history.Name // name, as the history names it
	// stamp is what the broker's append records of the topic share (set
	// at its first)
	stamp      history.Stamp
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
	// feeds counts the projectors that read the topic.
	feeds int
	// strs holds the strings of the records of the topic's logs, types
	// their types (index 0: none; typeIdx finds one by its spelling,
	// typeCache by its address) and extras what few of them carry
	// ([logExtra]; index 0: none).
	strs      strTab
	types     []string
	typeIdx   map[string]uint32
	typeCache [1 << typeCacheBits]typeCached
	extras    []logExtra
}

// expire applies retention to partition p at now.
func (t *topic) expire(p int, now sim.Time) {
	if t.retention > 0 && now > t.retention {
		t.partitions[p].expire(now-t.retention, sim.Time(cmp.Or(t.cfg.Segment, DefaultSegment)))
	}
}

// extend returns s lengthened to n with zeros, growing it by doubling.
func extend[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n > cap(s) {
		ns := make([]T, len(s), max(2*cap(s), n, 64))
		copy(ns, s)
		s = ns
	}
	old := len(s)
	s = s[:n]
	clear(s[old:])
	return s
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
