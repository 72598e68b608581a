package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/evsim/evsim/model/history"
)

// StopTheWorld checks that a rebalance stops only the partitions that
// move: no group member gives up a partition at a rebalance (a revoke
// record, not lost) and gets the same partition back at its next
// assignment of that topic while it stayed in the group (no crash, restart, leave,
// expire or lost revocation of it in between). Kafka's eager protocol does exactly that to
// every partition that stays put: each rebalance stops the whole group.
// Static membership (group.instance.id) avoids the rebalances a restart
// within the session timeout would start; cooperative rebalancing
// (KIP-429) revokes only the partitions that move. It is opt-in: it
// judges the cost of rebalancing, which a correct group may pay. Its
// witness is the revocation, the rebalance after it and the assignment
// that gave the partition back.
func StopTheWorld(h *history.History) Result {
	const name = "stop-the-world"
	if res, bad := refuse(h, name); bad {
		return res
	}
	// A member is keyed by the symPair of its group and node; records are
	// compared in place, and unpacked only for their partitions and
	// reasons, which live in their side rows.
	firstGen := map[history.Sym]int32{} // the generation of each group's first assign
	assigned := map[uint64]bool{}
	revoked := map[uint64][]int{} // the member's revokes since its last assign
	applicable := false
	var stops, revokes int
	res := Result{Check: name}
	for i, r := range h.Compact(history.Assign, history.Revoke, history.Crash, history.Restart, history.Leave, history.Expire) {
		k := symPair(r.Group, r.Node)
		switch r.KindCode() {
		case codeAssign:
			if g, ok := firstGen[r.Group]; !ok {
				firstGen[r.Group] = r.Generation
			} else if r.Generation > g {
				applicable = true
			}
			assigned[k] = true
			// The assignment answers the member's revokes of its topic;
			// those of the group's other topics wait for theirs.
			var js []int
			rest := revoked[k][:0]
			for _, j := range revoked[k] {
				if h.Record(j).Topic == r.Topic {
					js = append(js, j)
				} else {
					rest = append(rest, j)
				}
			}
			if len(rest) == 0 {
				delete(revoked, k)
			} else {
				revoked[k] = rest
			}
			if len(js) == 0 {
				continue
			}
			partitions := h.At(i).Partitions
			for _, j := range js {
				kept := keptPartitions(h.At(j).Partitions, partitions)
				if len(kept) == 0 {
					continue
				}
				stops += len(kept)
				if res.Witness == nil {
					res.Witness, res.Explanation = stopWitness(h, j, i, kept)
				}
			}
		case codeRevoke:
			if assigned[k] {
				applicable = true
			}
			revokes++
			if h.At(i).Reason == history.RevokeLost {
				delete(revoked, k)
				continue
			}
			revoked[k] = append(revoked[k], i)
		default: // a crash, restart, leave or expire
			if assigned[k] {
				applicable = true
			}
			delete(revoked, k)
		}
	}
	if stops > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all (a partition revoked from a member that got it back). Eager rebalancing stops every partition at each rebalance. Kafka's fixes: static membership (group.instance.id with a session timeout longer than a restart), so that a member's restart does not rebalance the group, and cooperative rebalancing (the cooperative-sticky assignor, KIP-429), which revokes only the partitions that move.",
			plural(stops, "needless stop", "needless stops"))
		return res
	}
	if !applicable {
		return notApplicable(name, "no group member gave up partitions, crashed, restarted, left or was removed after its first assignment, and no group moved past its first generation.")
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("No member gave up a partition at a rebalance and got it back at its next assignment (%s recorded).", plural(revokes, "revocation", "revocations"))
	return res
}

// stopWitness returns the witness and the explanation of a needless stop:
// revoke j gave up the partitions kept, which assign i gave back.
func stopWitness(h *history.History, j, i int, kept []string) ([]history.Entry, string) {
	rv, r := h.At(j), h.At(i)
	wit := []int{j}
	if b := nextRebalance(h, h.Record(i).Group, j, i); b >= 0 {
		wit = append(wit, b)
	}
	what := "partitions"
	if len(kept) == 1 {
		what = "a partition"
	}
	return pickRecords(h, append(wit, i)...), fmt.Sprintf("Group %s member %s gave up partitions %s of %s at the end of generation %d (%s) and got %s back in generation %d (%s), without leaving the group in between: it stopped consuming %s that did not move.",
		r.Group, r.Node, rv.Partitions, rv.Topic, rv.Generation, at(rv.At), strings.Join(kept, ","), r.Generation, at(r.At), what)
}

// keptPartitions returns the partitions of the list revoked (as "0,2")
// that are in the list assigned too.
func keptPartitions(revoked, assigned string) []string {
	if revoked == "" || assigned == "" {
		return nil
	}
	got := strings.Split(assigned, ",")
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	var out []string
	for _, p := range strings.Split(revoked, ",") {
		if p = strings.TrimSpace(p); p != "" && slices.Contains(got, p) {
			out = append(out, p)
		}
	}
	return out
}

// nextRebalance returns the index of group g's first rebalance record
// between indexes a and b, or -1.
func nextRebalance(h *history.History, g history.Sym, a, b int) int {
	for i := a + 1; i < b; i++ {
		if r := h.Record(i); r.KindCode() == codeRebalance && r.Group == g {
			return i
		}
	}
	return -1
}
