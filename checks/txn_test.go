package checks

import (
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestPollSkipStepsOverAbortedRecords: a read-committed consumer that
// steps over a record of an aborted transaction and its marker skips
// nothing; over a committed one, it skips a record.
func TestPollSkipStepsOverAbortedRecords(t *testing.T) {
	for _, c := range []struct {
		marker history.Kind
		want   Verdict
	}{{history.TxnAbort, Holds}, {history.TxnCommit, Violated}} {
		h := &history.History{}
		for i, r := range []history.Entry{
			{Kind: history.Append, Node: "broker", Topic: "in", Offset: 0, Event: "e1"},
			{Kind: history.TxnBegin, Node: "p", TxnID: "t", ProducerID: 1},
			{Kind: history.Append, Node: "broker", Topic: "in", Offset: 1, Event: "e2", ProducerID: 1},
			{Kind: c.marker, Node: "p", TxnID: "t", ProducerID: 1, Topic: "in", Offset: 2},
			{Kind: history.Append, Node: "broker", Topic: "in", Offset: 3, Event: "e3"},
			{Kind: history.Poll, Node: "c-0", Group: "c", Topic: "in", Offset: 0, Count: 1, Generation: 1},
			{Kind: history.Poll, Node: "c-0", Group: "c", Topic: "in", Offset: 3, Count: 1, Generation: 1},
		} {
			r.At = int64(i)
			h.Add(r)
		}
		if got := PollSkip(h); got.Verdict != c.want {
			t.Errorf("with a %s marker: poll-skip %s (%s), want %s", c.marker, got.Verdict, got.Explanation, c.want)
		}
	}
}
