package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// SingleWriter checks that each partition has one writer at a time within
// a group of a log subscription: the generations of the effects applied
// and of the offsets committed for a partition never go back. A write from
// an older generation after a newer one is a zombie's: a member that lost
// the partition in a rebalance and went on writing. Its witness is the
// newer write, the stall or removal that made the zombie, and the stale
// write.
func SingleWriter(h *history.History) Result {
	res := Result{Check: "single-writer"}
	newest := map[gtp]int{} // index of the write with the newest generation
	var stale, writes int
	for i, r := range h.Records {
		if r.Kind != history.Effect && r.Kind != history.OffsetCommit || r.Generation == 0 {
			continue
		}
		writes++
		k := gtp{r.Group, tp{r.Topic, r.Partition}}
		j, ok := newest[k]
		if !ok || h.Records[j].Generation <= r.Generation {
			newest[k] = i
			continue
		}
		stale++
		if res.Witness != nil {
			continue
		}
		n := h.Records[j]
		cause := lastBefore(h, i, r.Node, history.Pause)
		if cause < 0 {
			cause = lastBefore(h, i, r.Node, history.Expire)
		}
		res.Witness = pickRecords(h, cause, j, i)
		what := "applied the effect of " + r.Event
		if r.Kind == history.OffsetCommit {
			what = fmt.Sprintf("committed offset %d", r.Offset)
		}
		why := ""
		if cause >= 0 {
			c := h.Records[cause]
			if c.Kind == history.Pause {
				why = fmt.Sprintf(" %s had stalled from %s to %s, longer than its session timeout, so the group moved its partitions on; it woke still holding a batch and carried on.", r.Node, at(c.At), at(c.Until))
			} else {
				why = fmt.Sprintf(" The group had removed %s at %s for missing its heartbeats; it carried on regardless.", r.Node, at(c.At))
			}
		}
		res.Explanation = fmt.Sprintf("In group %s, partition %s/%d was written by generation %d (%s, %s at %s) and then by the older generation %d: %s %s at %s. Two members acted as the partition's owner at once.%s Fence every write with the generation: reject commits from old generations, and store the generation with the effect so that the database refuses older ones.",
			r.Group, r.Topic, r.Partition, n.Generation, n.Node, n.Kind, at(n.At), r.Generation, r.Node, what, at(r.At), why)
	}
	if stale > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s came from an old generation.", plural(stale, "write", "writes"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("All %d effects and offset commits of each partition came from the same or a newer generation than the writes before them.", writes)
	return res
}

// lastBefore returns the index of the last record of kind k by node
// before index i, or -1.
func lastBefore(h *history.History, i int, node string, k history.Kind) int {
	for x := i - 1; x >= 0; x-- {
		if c := h.Records[x]; c.Kind == k && c.Node == node {
			return x
		}
	}
	return -1
}
