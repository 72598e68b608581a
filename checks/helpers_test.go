package checks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Tiny histories: one topic "t", records built by short helpers. Times
// are in milliseconds.

const ms = int64(1e6)

func sub(group string) history.Entry {
	return history.Entry{Kind: history.Subscribe, Group: group, Topic: "t"}
}

func ack(at int64, event string, partition int, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.PublishAck, Node: "p", Topic: "t", Partition: partition,
		Offset: offset, Event: event, Key: "k", Type: "Deposited", Amount: 5}
}

func deliver(at int64, node, event string, partition int, offset int64, attempt int) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Deliver, Node: node, Group: group(node), Topic: "t",
		Partition: partition, Offset: offset, Event: event, Key: "k", Attempt: attempt}
}

func effect(at int64, node, event string, partition int, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Effect, Node: node, Group: group(node), Topic: "t",
		Partition: partition, Offset: offset, Event: event, Key: "k", Type: "Deposited", Amount: 5}
}

func dedup(at int64, node, event string, partition int, offset int64) history.Entry {
	r := effect(at, node, event, partition, offset)
	r.Kind = history.Dedup
	return r
}

func commit(at int64, node string, partition int, offset int64) history.Entry {
	return history.Entry{At: at * ms, Kind: history.OffsetCommit, Node: node, Group: group(node), Topic: "t",
		Partition: partition, Offset: offset}
}

func crash(at int64, node, point string) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Crash, Node: node, Group: group(node), CrashPoint: history.CrashPoint(point)}
}

func restart(at int64, node string) history.Entry {
	return history.Entry{At: at * ms, Kind: history.Restart, Node: node, Group: group(node)}
}

func end(at int64, drained bool) history.Entry {
	return history.Entry{At: at * ms, Kind: history.End, Drained: drained}
}

// group is the group of a member named like "g-0".
func group(node string) string {
	g, _, _ := strings.Cut(node, "-")
	return g
}

func hist(rs ...history.Entry) *history.History { return history.FromEntries(rs) }

// expect checks a result's verdict, that its witness is exactly want (in
// order; nil for none), and that its explanation mentions every phrase.
func expect(t *testing.T, got Result, check string, v Verdict, want []history.Entry, phrases ...string) {
	t.Helper()
	if got.Check != check {
		t.Errorf("check name %q, want %q", got.Check, check)
	}
	if got.Verdict != v {
		t.Fatalf("verdict %s, want %s; explanation: %s", got.Verdict, v, got.Explanation)
	}
	if fmt.Sprint(got.Witness) != fmt.Sprint(want) {
		t.Errorf("witness\n got %v\nwant %v", got.Witness, want)
	}
	for _, p := range phrases {
		if !strings.Contains(got.Explanation, p) {
			t.Errorf("explanation %q does not mention %q", got.Explanation, p)
		}
	}
}
