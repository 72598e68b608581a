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
	// the start, so that checks know who must receive what).
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
}

// History is the ordered list of records of one run. The zero value is an
// empty history ready to use. A History is not safe for concurrent use.
type History struct {
	Records []Record
}

// Add appends a record.
func (h *History) Add(r Record) { h.Records = append(h.Records, r) }

// Len returns the number of records.
func (h *History) Len() int { return len(h.Records) }
