package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestKeyOrderCauseOfGrowth: key-order blames added partitions when the
// key's publishes moved once, after the growth, to another partition
// (some may still go to the old one until the producer refreshes its
// metadata), and blames the partitioner when the key was spread over
// partitions before the growth already.
func TestKeyOrderCauseOfGrowth(t *testing.T) {
	pub := func(at int64, e string, p int) history.Entry {
		return history.Entry{At: at, Kind: history.Publish, Node: "p", Topic: "t", Partition: p, Event: e, Key: "a"}
	}
	eff := func(at int64, e string, p int) history.Entry {
		return history.Entry{At: at, Kind: history.Effect, Node: "g-0", Group: "g", Topic: "t", Partition: p, Event: e, Key: "a"}
	}
	grow := history.Entry{At: 3, Kind: history.AddPartitions, Node: "broker", Topic: "t", Count: 4, Partitions: "2,3"}
	sub := history.Entry{Kind: history.Subscribe, Group: "g", Topic: "t"}
	for _, c := range []struct {
		name string
		h    []history.Entry
		want string
	}{
		{"moved after the growth", []history.Entry{sub, pub(1, "e1", 0), pub(2, "e2", 0), grow, pub(4, "e3", 0), pub(5, "e4", 3),
			eff(6, "e4", 3), eff(7, "e3", 0)}, "partitions were added to the topic (t grew to 4 partitions at +3ns)"},
		{"spread before the growth", []history.Entry{sub, pub(1, "e1", 0), pub(2, "e2", 1), grow, pub(4, "e3", 3),
			eff(6, "e3", 3), eff(7, "e2", 1)}, "the partitioner spread one key"},
	} {
		r := KeyOrder(history.FromEntries(c.h))
		if r.Verdict != Violated || !strings.Contains(r.Explanation, c.want) {
			t.Errorf("%s: %s: %s; want %q", c.name, r.Verdict, r.Explanation, c.want)
		}
	}
}
