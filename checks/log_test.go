package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// logChecks are the log family's checks.
var logChecks = map[string]func(*history.History) Result{
	"poll-skip":            PollSkip,
	"nonmonotonic-poll":    NonmonotonicPoll,
	"group-reread":         GroupReread,
	"lost-write":           LostWrite,
	"log-duplicates":       LogDuplicates,
	"inconsistent-offsets": InconsistentOffsets,
	"nonmonotonic-send":    NonmonotonicSend,
	"key-order":            KeyOrder,
	"single-writer":        SingleWriter,
}

func sortedLogChecks() []string {
	var names []string
	for n := range logChecks {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func psAssign(node string, gen int, parts string) history.Entry {
	return history.Entry{Kind: history.Assign, Node: node, Group: "g", Topic: "t", Generation: gen, Partitions: parts}
}

func psGenPoll(node string, gen int, p int, off int64, n int) history.Entry {
	r := psPoll(node, p, off, n)
	r.Generation = gen
	return r
}

// TestInconsistentOffsetsTwoEventsAckedAtOneOffset: two different events
// acknowledged at one offset are a violation; one event named at its
// offset by its append, its acknowledgement and its delivery is not.
func TestInconsistentOffsetsTwoEventsAckedAtOneOffset(t *testing.T) {
	bad := new(psHistory).add(psPublish("e1", "k")).add(psPublish("e2", "k")).
		add(psAck("e1", 0, 3)).add(psAck("e2", 0, 3))
	r := InconsistentOffsets(&bad.h)
	expect(t, r, "inconsistent-offsets", Violated, []history.Entry{bad.h.At(2), bad.h.At(3)}, "Offset 3 of t/0 holds two events: e1", "e2")
	good := new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 3)).add(psAck("e1", 0, 3)).
		add(history.Entry{Kind: history.Deliver, Node: "m0", Group: "g", Topic: "t", Offset: 3, Event: "e1", Attempt: 1}).
		add(psAck("e2", 0, 4)).add(psAck("e3", 1, 3))
	if r := InconsistentOffsets(&good.h); r.Verdict != Holds {
		t.Fatalf("consistent offsets: %s: %s", r.Verdict, r.Explanation)
	}
	// a read that disagrees with the acknowledgement is caught too
	read := new(psHistory).add(psAck("e1", 0, 0)).
		add(history.Entry{Kind: history.Deliver, Node: "m0", Group: "g", Topic: "t", Offset: 0, Event: "e9", Attempt: 1})
	if r := InconsistentOffsets(&read.h); r.Verdict != Violated {
		t.Fatalf("read of another event at an acknowledged offset: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestSingleWriterMemberNotAssignedThePartition: in one generation, m0 is
// assigned partition 0 and m1 partition 1; m1 writing partition 0 too is
// two writers at once, although no generation goes back.
func TestSingleWriterMemberNotAssignedThePartition(t *testing.T) {
	bad := new(psHistory).add(psAssign("m0", 1, "0")).add(psAssign("m1", 1, "1")).
		add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).add(psEffect("m1", "e2", "k", 0, 1, 1, 0)).add(psCommit("m1", 0, 2, 1))
	r := SingleWriter(&bad.h)
	expect(t, r, "single-writer", Violated, []history.Entry{bad.h.At(0), bad.h.At(2), bad.h.At(3)},
		"generation 1 assigned partition t/0 to m0, but m1 wrote it too")
	// each writes only its own partition: holds
	good := new(psHistory).add(psAssign("m0", 1, "0")).add(psAssign("m1", 1, "1")).
		add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).add(psEffect("m1", "e2", "k", 1, 0, 1, 0)).
		add(psAssign("m1", 2, "0,1")).add(psEffect("m1", "e3", "k", 0, 1, 2, 0))
	if r := SingleWriter(&good.h); r.Verdict != Holds {
		t.Fatalf("assigned writers: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLogDuplicatesCountsSends: an event published twice (an outbox
// relay's second send) may be in the log twice; appended three times, it
// is a duplicate.
func TestLogDuplicatesCountsSends(t *testing.T) {
	twice := new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).add(psPublish("e1", "k")).add(psAppend("e1", 0, 1))
	if r := LogDuplicates(&twice.h); r.Verdict != Holds {
		t.Fatalf("two sends, two appends: %s: %s", r.Verdict, r.Explanation)
	}
	thrice := new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).add(psPublish("e1", "k")).add(psAppend("e1", 0, 1)).
		add(history.Entry{Kind: history.PublishRetry, Node: "p", Event: "e1", Attempt: 2}).add(psAppend("e1", 0, 2))
	r := LogDuplicates(&thrice.h)
	if r.Verdict != Violated || !strings.Contains(r.Explanation, "in the log 3 times although it was sent 2 times") {
		t.Fatalf("two sends, three appends: %s: %s", r.Verdict, r.Explanation)
	}
	// the same append recorded twice at one offset is one offset
	same := new(psHistory).add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).add(psAppend("e1", 0, 0))
	if r := LogDuplicates(&same.h); r.Verdict != Holds {
		t.Fatalf("one offset recorded twice: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLogDuplicatesCountsManyPlaces: an event sent ten times may be in
// the log at ten offsets, each recorded twice; an eleventh offset is a
// duplicate, and each place counts once however often it is recorded.
func TestLogDuplicatesCountsManyPlaces(t *testing.T) {
	ps := new(psHistory)
	for n := range 10 {
		ps.add(psPublish("e1", "k")).add(psAppend("e1", 0, int64(n)))
	}
	for n := range 10 {
		ps.add(psAppend("e1", 0, int64(n)))
	}
	if r := LogDuplicates(&ps.h); r.Verdict != Holds {
		t.Fatalf("ten sends, ten offsets each recorded twice: %s: %s", r.Verdict, r.Explanation)
	}
	ps.add(psAppend("e1", 0, 10)).add(psAppend("e1", 0, 3)).add(psAppend("e1", 0, 11))
	r := LogDuplicates(&ps.h)
	if r.Verdict != Violated || !strings.Contains(r.Explanation, "in the log 11 times although it was sent 10 times") ||
		!strings.Contains(r.Explanation, "2 appends in all") {
		t.Fatalf("ten sends, twelve offsets: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestNonmonotonicSendCatchesAReorderedRetry: the producer's first send
// lands after its second in one partition; sends to two partitions, or
// before and after a crash, are not compared.
func TestNonmonotonicSendCatchesAReorderedRetry(t *testing.T) {
	bad := new(psHistory).add(psPublish("e1", "k")).add(psPublish("e2", "k")).add(psAck("e2", 0, 0)).add(psAck("e1", 0, 1))
	expect(t, NonmonotonicSend(&bad.h), "nonmonotonic-send", Violated, bad.h.Entries(),
		"Producer p published e1", "e2 at offset 0")
	good := new(psHistory).add(psPublish("e1", "k")).add(psPublish("e2", "k")).add(psAck("e2", 1, 0)).add(psAck("e1", 0, 1)).
		add(psPublish("e3", "k")).add(psAck("e3", 0, 2)).add(history.Entry{Kind: history.Crash, Node: "p", CrashPoint: "x"}).
		add(psPublish("e4", "k")).add(psAck("e4", 0, 0))
	if r := NonmonotonicSend(&good.h); r.Verdict != Holds {
		t.Fatalf("monotonic sends: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestPollChecksJudgeEachConsumer: a member that goes back after a
// rebalance (a new generation) or a crash is a new consumer; the same
// member going back within one generation is not.
func TestPollChecksJudgeEachConsumer(t *testing.T) {
	rebalanced := new(psHistory).add(psAppend("e0", 0, 0)).add(psGenPoll("m0", 1, 0, 0, 5)).add(psGenPoll("m0", 2, 0, 2, 5)).
		add(psGenPoll("m0", 2, 0, 7, 1))
	for name, c := range map[string]func(*history.History) Result{"nonmonotonic-poll": NonmonotonicPoll, "poll-skip": PollSkip} {
		if r := c(&rebalanced.h); r.Verdict != Holds {
			t.Errorf("%s after a rebalance: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
	if r := GroupReread(&rebalanced.h); r.Verdict != Violated {
		t.Errorf("group-reread after a rebalance: %s: %s", r.Verdict, r.Explanation)
	}
	back := new(psHistory).add(psGenPoll("m0", 1, 0, 0, 5)).add(psGenPoll("m0", 1, 0, 4, 5))
	if r := NonmonotonicPoll(&back.h); r.Verdict != Violated {
		t.Errorf("nonmonotonic-poll within a generation: %s: %s", r.Verdict, r.Explanation)
	}
	// a jump over offsets nobody knows of is not a skip (Jepsen's version order)
	sparse := new(psHistory).add(psGenPoll("m0", 1, 0, 0, 5)).add(psGenPoll("m0", 1, 0, 9, 5))
	if r := PollSkip(&sparse.h); r.Verdict != Holds {
		t.Errorf("poll-skip over unknown offsets: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestLogChecksRefuseAReversedHistory: a history whose records go back in
// time is refused (unknown, naming the record), not judged.
func TestLogChecksRefuseAReversedHistory(t *testing.T) {
	// A good history that every check judges, then reversed.
	fwd := new(psHistory).add(psSubscribe("g", "t")).add(psAssign("m0", 1, "0")).
		add(psPublish("e1", "k")).add(psAppend("e1", 0, 0)).add(psAck("e1", 0, 0)).
		add(psPublish("e2", "k")).add(psAppend("e2", 0, 1)).add(psAck("e2", 0, 1)).
		add(psGenPoll("m0", 1, 0, 0, 1)).add(psEffect("m0", "e1", "k", 0, 0, 1, 0)).
		add(psGenPoll("m0", 1, 0, 1, 1)).add(psEffect("m0", "e2", "k", 0, 1, 1, 0)).add(psCommit("m0", 0, 2, 1))
	rev := &history.History{}
	for i := fwd.h.Len() - 1; i >= 0; i-- {
		rev.Add(fwd.h.At(i))
	}
	for _, name := range sortedLogChecks() {
		c := logChecks[name]
		if r := c(&fwd.h); r.Verdict != Holds {
			t.Errorf("%s on the history in order: %s: %s", name, r.Verdict, r.Explanation)
		}
		r := c(rev)
		if r.Verdict != Unknown || r.Check != name || !strings.Contains(r.Explanation, "record 2") || !strings.Contains(r.Explanation, "order they happened") {
			t.Errorf("%s on the reversed history: %s: %s", name, r.Verdict, r.Explanation)
		}
	}
}

// TestLogChecksSayUnknownWithNothingToJudge: on an empty history, and on
// one with nothing of what a check judges, every log check says unknown
// with the reason.
func TestLogChecksSayUnknownWithNothingToJudge(t *testing.T) {
	onlyPublish := new(psHistory).add(psPublish("e1", "k")).add(psEnd(true))
	for _, name := range sortedLogChecks() {
		for _, h := range []*history.History{{}, &onlyPublish.h} {
			if r := logChecks[name](h); r.Verdict != Unknown || !strings.HasPrefix(r.Explanation, "Not applicable: ") {
				t.Errorf("%s with nothing to judge: %s: %s", name, r.Verdict, r.Explanation)
			}
		}
	}
}

// TestDefaultNamesLeaveOutOptInChecks: group-reread runs only when named.
func TestDefaultNamesLeaveOutOptInChecks(t *testing.T) {
	def := DefaultNames()
	if slices.Contains(def, "group-reread") || !slices.Contains(Names(), "group-reread") {
		t.Fatalf("group-reread: in the default set %v, in the catalog %v", slices.Contains(def, "group-reread"), slices.Contains(Names(), "group-reread"))
	}
	for _, n := range []string{"poll-skip", "nonmonotonic-poll", "inconsistent-offsets", "nonmonotonic-send", "single-writer"} {
		if !slices.Contains(def, n) {
			t.Errorf("%s is not in the default set", n)
		}
	}
	if !slices.IsSorted(def) {
		t.Errorf("default names not sorted: %v", def)
	}
}
