package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// Histories of a user's system with several topics: a group that reads
// two topics, and one producer that writes the same key to both.

// TestKeyOrderIsPerTopic: a key's order is the order of its topic's
// partition; one producer's events of one key sent to two topics have no
// order between them, so a group that applies the second topic's event
// first keeps key-order (unknown: no pair of one topic to judge), and one
// that applies one topic's events out of order still breaks it.
func TestKeyOrderIsPerTopic(t *testing.T) {
	pub := func(at int64, topic, e string) history.Entry {
		return history.Entry{At: at, Kind: history.Publish, Node: "api", Topic: topic, Event: e, Key: "cust-1", Type: "CustomerChanged"}
	}
	eff := func(at int64, topic, e string, off int64) history.Entry {
		return history.Entry{At: at, Kind: history.Effect, Node: "a-0", Group: "analytics", Topic: topic, Offset: off, Event: e, Key: "cust-1", Type: "CustomerChanged"}
	}
	sub := func(topic string) history.Entry {
		return history.Entry{Kind: history.Subscribe, Group: "analytics", Topic: topic}
	}
	h := func(es ...history.Entry) *history.History { return history.FromEntries(es) }
	// u1 to users, then o1 to orders; the group reads orders first.
	if r := KeyOrder(h(sub("users"), sub("orders"), pub(1, "users", "u1"), pub(2, "orders", "o1"),
		eff(3, "orders", "o1", 0), eff(4, "users", "u1", 0))); r.Verdict != Unknown {
		t.Errorf("events of one key in two topics, applied in either order: %s: %s", r.Verdict, r.Explanation)
	}
	if r := KeyOrder(h(sub("users"), sub("orders"), pub(1, "users", "u1"), pub(2, "orders", "o1"), pub(3, "users", "u2"),
		eff(4, "orders", "o1", 0), eff(5, "users", "u1", 0), eff(6, "users", "u2", 1))); r.Verdict != Holds {
		t.Errorf("each topic's events in order: %s: %s", r.Verdict, r.Explanation)
	}
	r := KeyOrder(h(sub("users"), sub("orders"), pub(1, "orders", "o1"), pub(2, "users", "u1"), pub(3, "orders", "o2"),
		eff(4, "users", "u1", 0), eff(5, "orders", "o2", 1), eff(6, "orders", "o1", 0)))
	if r.Verdict != Violated || !strings.Contains(r.Explanation, "published o1") || !strings.Contains(r.Explanation, "before o2") {
		t.Errorf("orders' o1 applied after o2: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestStopTheWorldComparesOneTopic: a member of a group that reads two
// topics gives up its partitions of both at an eager rebalance; its next
// assignment of each topic is compared with what it gave up of that
// topic only. Partition 1 of users is not partition 1 of orders.
func TestStopTheWorldComparesOneTopic(t *testing.T) {
	rec := func(at int64, kind history.Kind, topic string, gen int, parts string) history.Entry {
		return history.Entry{At: at, Kind: kind, Node: "m0", Group: "g", Topic: topic, Generation: gen, Partitions: parts}
	}
	moved := []history.Entry{
		rec(1, history.Assign, "orders", 1, "0"), rec(2, history.Assign, "users", 1, "1"),
		rec(3, history.Revoke, "orders", 1, "0"), rec(4, history.Revoke, "users", 1, "1"),
		rec(5, history.Assign, "orders", 2, "1"), rec(6, history.Assign, "users", 2, "0"),
	}
	if r := StopTheWorld(history.FromEntries(moved)); r.Verdict != Holds {
		t.Errorf("every partition moved: %s: %s", r.Verdict, r.Explanation)
	}
	kept := append(moved[:4:4], rec(5, history.Assign, "orders", 2, "1"), rec(6, history.Assign, "users", 2, "0,1"))
	r := StopTheWorld(history.FromEntries(kept))
	if r.Verdict != Violated || !strings.Contains(r.Explanation, "partitions 1 of users") || !strings.Contains(r.Explanation, "1 needless stop ") {
		t.Errorf("users/1 given back: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestSubscribeRecordPerMemberCountsOneGroup: a recorder that writes a
// subscribe record for each member of a group names one subscription
// several times; the group is still one subscriber, and an event it lost
// is lost once.
func TestSubscribeRecordPerMemberCountsOneGroup(t *testing.T) {
	es := []history.Entry{
		{Kind: history.Subscribe, Node: "s-0", Group: "shipping", Topic: "orders"},
		{Kind: history.Subscribe, Node: "s-1", Group: "shipping", Topic: "orders"},
		{At: 1, Kind: history.PublishAck, Node: "api", Topic: "orders", Offset: 0, Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 2, Kind: history.PublishAck, Node: "api", Topic: "orders", Offset: 1, Event: "o2", Key: "order-1", Type: "OrderPaid"},
		{At: 3, Kind: history.Effect, Node: "s-0", Group: "shipping", Topic: "orders", Offset: 0, Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 4, Kind: history.OffsetCommit, Node: "s-0", Group: "shipping", Topic: "orders", Offset: 2},
		{At: 5, Kind: history.End, Drained: true},
	}
	r := NoLoss(history.FromEntries(es))
	if r.Verdict != Violated || !strings.Contains(r.Explanation, " 1 acknowledged event(s) in all were lost") {
		t.Errorf("o2 lost once: %s: %s", r.Verdict, r.Explanation)
	}
	es = append(es[:4:4], history.Entry{At: 3, Kind: history.Effect, Node: "s-1", Group: "shipping", Topic: "orders", Offset: 1,
		Event: "o2", Key: "order-1", Type: "OrderPaid"}, es[4], es[5], es[6])
	if r := NoLoss(history.FromEntries(es)); r.Verdict != Holds || !strings.Contains(r.Explanation, "each of the 1 subscribed group(s)") {
		t.Errorf("both applied: %s: %s", r.Verdict, r.Explanation)
	}
}

// sameIDTwoTopics: a producer sends event o1 to orders and, with the
// same id, to orders-audit; billing reads orders, audit reads
// orders-audit, each promising a lag SLO of 100ns. Billing applies o1;
// audit commits past it without applying it unless applied.
func sameIDTwoTopics(applied bool) *history.History {
	send := func(at int64, topic string) []history.Entry {
		r := history.Entry{At: at, Kind: history.Publish, Node: "api", Topic: topic, Event: "o1", Key: "order-1", Type: "OrderPlaced"}
		a, k := r, r
		a.At, a.Kind, a.Node = at+1, history.Append, "broker"
		k.At, k.Kind = at+2, history.PublishAck
		return []history.Entry{r, a, k}
	}
	read := func(at int64, node, group, topic string) []history.Entry {
		r := history.Entry{At: at, Kind: history.Poll, Node: node, Group: group, Topic: topic, Count: 1}
		d := history.Entry{At: at + 1, Kind: history.Deliver, Node: node, Group: group, Topic: topic, Event: "o1", Key: "order-1", Attempt: 1}
		e := history.Entry{At: at + 2, Kind: history.Effect, Node: node, Group: group, Topic: topic, Event: "o1", Key: "order-1", Type: "OrderPlaced"}
		c := history.Entry{At: at + 3, Kind: history.OffsetCommit, Node: node, Group: group, Topic: topic, Offset: 1}
		return []history.Entry{r, d, e, c}
	}
	es := []history.Entry{{Kind: history.Subscribe, Group: "billing", Topic: "orders", SLO: 100},
		{Kind: history.Subscribe, Group: "audit", Topic: "orders-audit", SLO: 100}}
	es = append(es, send(1, "orders")...)
	es = append(es, send(4, "orders-audit")...)
	es = append(es, read(7, "b-0", "billing", "orders")...)
	if applied {
		es = append(es, read(11, "a-0", "audit", "orders-audit")...)
	} else {
		es = append(es, history.Entry{At: 14, Kind: history.OffsetCommit, Node: "a-0", Group: "audit", Topic: "orders-audit", Offset: 1})
	}
	return history.FromEntries(append(es, history.Entry{At: 1000, Kind: history.End, Drained: true}))
}

// TestOneEventIDInTwoTopicsIsJudgedInEach: an event id acknowledged in
// two topics is an event of each: every group of each topic must apply
// it (no-loss), read it (unseen) and apply it within its lag SLO
// (lag-within-slo); the group that read the other topic does not stand
// in for it.
func TestOneEventIDInTwoTopicsIsJudgedInEach(t *testing.T) {
	checks := []func(*history.History) Result{NoLoss, Unseen, LagWithinSLO}
	for _, c := range checks {
		if r := c(sameIDTwoTopics(false)); r.Verdict != Violated {
			t.Errorf("audit never applied o1: %s: %s: %s", r.Check, r.Verdict, r.Explanation)
		} else if !strings.Contains(r.Explanation, "audit") { // the group, or the topic orders-audit
			t.Errorf("%s does not name group audit: %s", r.Check, r.Explanation)
		}
		if r := c(sameIDTwoTopics(true)); r.Verdict != Holds {
			t.Errorf("both applied o1: %s: %s: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}

// TestLagIdleMembersCountedInTheSLOTopic: the explanation of a late
// event counts the group's members that held no partition of the topic
// the SLO is about; a member that holds its partition of orders and none
// of the group's other topic is busy, not idle.
func TestLagIdleMembersCountedInTheSLOTopic(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{Kind: history.Subscribe, Group: "billing", Topic: "orders", SLO: 10},
		{Kind: history.Subscribe, Group: "billing", Topic: "refunds"},
		{At: 1, Kind: history.Assign, Node: "b-0", Group: "billing", Topic: "orders", Generation: 1, Partitions: "0"},
		{At: 1, Kind: history.Assign, Node: "b-0", Group: "billing", Topic: "refunds", Generation: 1, Partitions: ""},
		{At: 1, Kind: history.Assign, Node: "b-1", Group: "billing", Topic: "orders", Generation: 1, Partitions: "1"},
		{At: 1, Kind: history.Assign, Node: "b-1", Group: "billing", Topic: "refunds", Generation: 1, Partitions: "0"},
		{At: 2, Kind: history.Append, Node: "broker", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 50, Kind: history.Effect, Node: "b-0", Group: "billing", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
	})
	r := LagWithinSLO(h)
	if r.Verdict != Violated || strings.Contains(r.Explanation, "held no partition") {
		t.Errorf("both members hold a partition of orders: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestRereadAfterLeaveIsANewConsumer: a static member that shuts down
// cleanly (a leave without LeaveGroup) and comes back in the same
// generation starts a new consumer, which reads from the committed
// offset: its re-read is group-reread's, not a nonmonotonic poll; the same
// re-read without the leave still is one.
func TestRereadAfterLeaveIsANewConsumer(t *testing.T) {
	poll := func(at, off int64, n int) history.Entry {
		return history.Entry{At: at, Kind: history.Poll, Node: "m0", Group: "g", Topic: "orders", Offset: off, Count: n, Generation: 1}
	}
	leave := history.Entry{At: 3, Kind: history.Leave, Node: "m0", Group: "g", Topic: "orders", Generation: 1, LeaveReason: history.LeaveStaticClose}
	join := history.Entry{At: 4, Kind: history.Join, Node: "m0", Group: "g", Generation: 1}
	if r := NonmonotonicPoll(history.FromEntries([]history.Entry{poll(1, 0, 2), poll(2, 2, 2), leave, join, poll(5, 1, 3)})); r.Verdict != Holds {
		t.Errorf("re-read after a leave: %s: %s", r.Verdict, r.Explanation)
	}
	if r := NonmonotonicPoll(history.FromEntries([]history.Entry{poll(1, 0, 2), poll(2, 2, 2), poll(5, 1, 3)})); r.Verdict != Violated {
		t.Errorf("re-read within one consumer: %s: %s", r.Verdict, r.Explanation)
	}
}

// TestNoLossCountsLostEvents: one event lost to two groups is one event
// lost (two losses), as the explanation says.
func TestNoLossCountsLostEvents(t *testing.T) {
	h := history.FromEntries([]history.Entry{
		{Kind: history.Subscribe, Group: "billing", Topic: "orders"},
		{Kind: history.Subscribe, Group: "shipping", Topic: "orders"},
		{At: 1, Kind: history.PublishAck, Node: "api", Topic: "orders", Event: "o1", Key: "order-1", Type: "OrderPlaced"},
		{At: 2, Kind: history.End, Drained: true},
	})
	r := NoLoss(h)
	if r.Verdict != Violated || !strings.Contains(r.Explanation, " 1 acknowledged event(s) in all were lost (2 losses: some to several subscribers).") {
		t.Errorf("o1 lost to two groups: %s: %s", r.Verdict, r.Explanation)
	}
}
