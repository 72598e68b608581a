package checks

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
	"pgregory.net/rapid"
)

// The oracle of stop-the-world, written from its definition in
// scenarios/FORMAT.md by brute force: for every revoke, look ahead for
// the member's next assign, and ask again of every record whether the
// group moved on. A rapid test draws tiny histories of an abstract group
// (eager and cooperative rebalances that keep or move partitions, static
// restarts that rebalance nothing, crashes and leaves in the middle of a
// rebalance, lost partitions, a second group with the same member names)
// and requires the check to agree with the oracle.

// oracleStopTheWorld judges h by the definition.
func oracleStopTheWorld(h *history.History) Verdict {
	es := h.Entries()
	for i, r := range es {
		if r.Kind != history.Revoke || r.Reason == history.RevokeLost {
			continue
		}
		for _, q := range es[i+1:] {
			if q.Group != r.Group || q.Node != r.Node {
				continue
			}
			if q.Kind == history.Crash || q.Kind == history.Restart || q.Kind == history.Leave || q.Kind == history.Expire ||
				q.Kind == history.Revoke && q.Reason == history.RevokeLost {
				break
			}
			if q.Kind == history.Assign && q.Topic == r.Topic {
				for _, p := range strings.Split(r.Partitions, ",") {
					if p != "" && slices.Contains(strings.Split(q.Partitions, ","), p) {
						return Violated
					}
				}
				break
			}
		}
	}
	for i, a := range es {
		if a.Kind != history.Assign {
			continue
		}
		for _, q := range es[i+1:] {
			left := q.Kind == history.Revoke || q.Kind == history.Crash || q.Kind == history.Restart ||
				q.Kind == history.Leave || q.Kind == history.Expire
			if left && q.Group == a.Group && q.Node == a.Node {
				return Holds
			}
		}
		first := slices.IndexFunc(es, func(f history.Entry) bool { return f.Kind == history.Assign && f.Group == a.Group })
		if a.Generation > es[first].Generation {
			return Holds
		}
	}
	return Unknown
}

// drawRebalanceHistory draws the history of one or two groups of up to
// three members over three partitions.
func drawRebalanceHistory(t *rapid.T) *history.History {
	h := &history.History{}
	now := int64(0)
	add := func(e history.Entry) {
		now += 1000
		e.At = now
		h.Add(e)
	}
	type state struct {
		gen   int
		parts map[string][]int // member -> partitions
	}
	names := []string{"m0", "m1", "m2"}
	groups := []string{"g"}
	if rapid.Bool().Draw(t, "two groups") {
		groups = append(groups, "h")
	}
	st := map[string]*state{}
	// A group may read a second topic, u, whose partitions it hands out
	// as t's shifted by one: a member keeps u's partition p+1 exactly when
	// it keeps t's p, so each topic's revokes must be compared with that
	// topic's next assignment.
	twoTopics := rapid.Bool().Draw(t, "two topics")
	shift := func(ps []int) []int {
		out := make([]int, len(ps))
		for i, p := range ps {
			out[i] = (p + 1) % 3
		}
		slices.Sort(out)
		return out
	}
	// each adds e for topic t and, reading two topics, its twin for u.
	each := func(e history.Entry, ps []int, list func([]int) string) {
		e.Topic, e.Partitions = "t", list(ps)
		add(e)
		if twoTopics {
			e.Topic, e.Partitions = "u", list(shift(ps))
			add(e)
		}
	}
	list := func(ps []int) string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprint(p))
		}
		return strings.Join(out, ",")
	}
	// rebalance hands the partitions out again to the members of g (a
	// member with no partitions is still one); eager revokes everything
	// first, cooperative only what moves.
	rebalance := func(g string, members []string, eager bool) {
		s := st[g]
		next := map[string][]int{}
		for _, m := range members {
			next[m] = nil
		}
		for p := range 3 {
			m := members[rapid.IntRange(0, len(members)-1).Draw(t, "owner")]
			next[m] = append(next[m], p)
		}
		for _, m := range names {
			old, ok := s.parts[m]
			if !ok || len(old) == 0 {
				continue
			}
			var gone []int
			for _, p := range old {
				if eager || !slices.Contains(next[m], p) {
					gone = append(gone, p)
				}
			}
			if len(gone) > 0 {
				each(history.Entry{Kind: history.Revoke, Node: m, Group: g, Generation: s.gen}, gone, list)
			}
			if rapid.IntRange(0, 5).Draw(t, "crash mid-rebalance") == 0 {
				add(history.Entry{Kind: history.Crash, Node: m, Group: g})
				add(history.Entry{Kind: history.Restart, Node: m, Group: g})
			}
		}
		s.gen++
		add(history.Entry{Kind: history.Rebalance, Node: "broker", Group: g, Topic: "t", Generation: s.gen, Count: len(members)})
		s.parts = next
		for _, m := range members {
			each(history.Entry{Kind: history.Assign, Node: m, Group: g, Generation: s.gen}, next[m], list)
		}
	}
	for _, g := range groups {
		st[g] = &state{parts: map[string][]int{}}
		if rapid.IntRange(0, 3).Draw(t, "formed") > 0 {
			rebalance(g, names[:rapid.IntRange(1, 3).Draw(t, "members")], true)
		}
	}
	for range rapid.IntRange(0, 5).Draw(t, "steps") {
		g := groups[rapid.IntRange(0, len(groups)-1).Draw(t, "group")]
		s := st[g]
		var members []string
		for _, m := range names {
			if _, ok := s.parts[m]; ok {
				members = append(members, m)
			}
		}
		switch rapid.IntRange(0, 4).Draw(t, "step") {
		case 0, 1: // a rebalance, with a member more or less
			ms := members
			if n := rapid.IntRange(1, 3).Draw(t, "members after"); n != len(ms) {
				ms = names[:n]
			}
			rebalance(g, ms, rapid.Bool().Draw(t, "eager"))
		case 2: // a static member's restart: the same partitions, no rebalance
			if len(members) == 0 {
				continue
			}
			m := members[rapid.IntRange(0, len(members)-1).Draw(t, "restarted")]
			if rapid.Bool().Draw(t, "crash") {
				add(history.Entry{Kind: history.Crash, Node: m, Group: g})
				add(history.Entry{Kind: history.Restart, Node: m, Group: g})
			} else {
				add(history.Entry{Kind: history.Leave, Node: m, Group: g, Generation: s.gen, LeaveReason: history.LeaveStaticClose})
			}
			add(history.Entry{Kind: history.Join, Node: m, Group: g})
			each(history.Entry{Kind: history.Assign, Node: m, Group: g, Generation: s.gen}, s.parts[m], list)
		case 3: // a member loses its partitions, then the group rebalances
			if len(members) == 0 {
				continue
			}
			m := members[rapid.IntRange(0, len(members)-1).Draw(t, "lost")]
			if len(s.parts[m]) > 0 {
				each(history.Entry{Kind: history.Revoke, Node: m, Group: g, Generation: s.gen, Reason: history.RevokeLost}, s.parts[m], list)
				s.parts[m] = nil
			}
			rebalance(g, members, true)
		case 4: // records of others: a broker's offsets expiry, a producer's crash
			add(history.Entry{Kind: history.Expire, Node: "broker", Group: g, Topic: "t", LeaveReason: history.ExpireOffsetsRetention})
			add(history.Entry{Kind: history.Crash, Node: "teller"})
		}
	}
	return h
}

// TestStopTheWorldAgreesWithOracle: on drawn histories, stop-the-world
// and its oracle give the same verdict, and each verdict occurs.
func TestStopTheWorldAgreesWithOracle(t *testing.T) {
	seen := map[Verdict]int{}
	rapid.Check(t, func(t *rapid.T) {
		h := drawRebalanceHistory(t)
		got, want := StopTheWorld(h), oracleStopTheWorld(h)
		if got.Verdict != want {
			t.Fatalf("stop-the-world says %s, its oracle %s: %s\nhistory:\n%s", got.Verdict, want, got.Explanation, describe(h))
		}
		if got.Verdict == Violated && len(got.Witness) == 0 {
			t.Fatalf("violated without a witness: %s", got.Explanation)
		}
		if got.Explanation == "" {
			t.Fatalf("%s without a reason", got.Verdict)
		}
		seen[got.Verdict]++
	})
	t.Logf("stop-the-world: %d holds, %d violated, %d unknown", seen[Holds], seen[Violated], seen[Unknown])
	for _, v := range []Verdict{Holds, Violated, Unknown} {
		if seen[v] == 0 {
			t.Errorf("no history drawn was judged %s", v)
		}
	}
}
