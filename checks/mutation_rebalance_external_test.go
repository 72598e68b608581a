package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestMutationEagerRebalanceGivesBack plants, after a static member's
// assignment in rolling-restart-static, an eager rebalance that revokes
// its partitions and hands them back to it in the next generation:
// stop-the-world flips from holds to violated.
func TestMutationEagerRebalanceGivesBack(t *testing.T) {
	flipsCheck(t, "rolling-restart-static", "stop-the-world", func(h *history.History) bool {
		for i, r := range h.All() {
			if r.Kind != history.Assign || r.Partitions == "" || i+1 >= h.Len() {
				continue
			}
			at := h.At(i + 1).At
			revoke := history.Entry{At: at, Kind: history.Revoke, Node: r.Node, Group: r.Group, Topic: r.Topic,
				Generation: r.Generation, Partitions: r.Partitions}
			back := r
			back.At, back.Generation = at, r.Generation+1
			h.SetEntries(slices.Insert(h.Entries(), i+1, revoke, back))
			return true
		}
		return false
	})
}

// TestMutationDropAStaticClose drops the leave record of a static member's
// clean shutdown in rolling-restart-static: the member now revokes its
// partitions and gets them back without having left the group, a
// needless stop, and stop-the-world flips from holds to violated.
func TestMutationDropAStaticClose(t *testing.T) {
	flipsCheck(t, "rolling-restart-static", "stop-the-world", func(h *history.History) bool {
		for i, r := range h.All() {
			if r.Kind == history.Leave && r.LeaveReason == history.LeaveStaticClose {
				h.SetEntries(slices.Delete(h.Entries(), i, i+1))
				return true
			}
		}
		return false
	})
}

// TestMutationCooperativeRevokesAKeeper plants, in
// rolling-restart-cooperative, a revocation of a partition that stays
// with its member across a rebalance (between two of its assignments that
// both hold it, with no leave or crash between): stop-the-world flips
// from holds to violated.
func TestMutationCooperativeRevokesAKeeper(t *testing.T) {
	flipsCheck(t, "rolling-restart-cooperative", "stop-the-world", func(h *history.History) bool {
		last := map[string]history.Entry{} // each member's last assignment since it (re)joined
		for i, r := range h.All() {
			switch r.Kind {
			case history.Crash, history.Restart, history.Leave, history.Expire:
				delete(last, r.Node)
			case history.Assign:
				prev, ok := last[r.Node]
				last[r.Node] = r
				if !ok || r.Generation <= prev.Generation {
					continue
				}
				for _, p := range strings.Split(prev.Partitions, ",") {
					if p != "" && slices.Contains(strings.Split(r.Partitions, ","), p) {
						revoke := history.Entry{At: r.At, Kind: history.Revoke, Node: r.Node, Group: r.Group, Topic: r.Topic,
							Generation: prev.Generation, Partitions: p}
						h.SetEntries(slices.Insert(h.Entries(), i, revoke))
						return true
					}
				}
			}
		}
		return false
	})
}
