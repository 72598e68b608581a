package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/evsim/evsim/model/history"
)

// SingleWriter checks that each partition has one writer at a time within
// a group of a log subscription. Two ways to break it:
//   - the generations of the effects applied and of the offsets committed
//     for a partition go back: a write from an older generation after a
//     newer one is a zombie's, a member that lost the partition in a
//     rebalance and went on writing;
//   - two members write one partition in one generation, and one of them
//     is not assigned it in that generation (per the Assign records).
//
// Its witness is the newer write, the stall or removal that made the
// zombie, and the stale write; or the assignment, the owner's write and
// the other member's.
func SingleWriter(h *history.History) Result {
	const name = "single-writer"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	asg := assignments(h)
	// The writes are read in place, keyed by symbols; only the records a
	// witness or an assignment needs are unpacked.
	type part struct {
		group, topic history.Sym
		partition    int32
	}
	type gen struct {
		part
		generation int32
	}
	type write struct{ rec, generation int32 }
	newest := map[part]write{} // the write with the newest generation
	writers := map[gen][]int{} // first write of each member, in order
	reported := map[gen]bool{} // generations already counted as having two writers
	var stale, intruders, writes int
	for i, c := range h.Compact(history.Effect, history.OffsetCommit) {
		if c.KindCode() != codeEffect && c.Outcome() == history.OutcomeUnknown || c.Generation == 0 { // see commitTaken
			continue
		}
		writes++
		k := part{c.Group, c.Topic, c.Partition}
		g := gen{k, c.Generation}
		firstOfNode := true
		for _, j := range writers[g] {
			if h.Record(j).Node == c.Node {
				firstOfNode = false
			}
		}
		if firstOfNode {
			writers[g] = append(writers[g], i)
			if !reported[g] {
				if w := twoWriters(h, asg, writers[g]); w != nil {
					reported[g] = true
					intruders++
					if res.Witness == nil {
						r := h.At(i)
						res.Witness = pickRecords(h, w.assign, w.owner, w.other)
						o, x := h.At(w.owner), h.At(w.other)
						owner := "to " + o.Node + ", but " + x.Node + " wrote it too"
						if w.assign < 0 {
							owner = "to neither " + o.Node + " nor " + x.Node + ", but both wrote it"
						}
						res.Explanation = fmt.Sprintf("In group %s, generation %d assigned partition %s/%d %s in that generation (%s %s at %s; %s %s at %s). Two members acted as the partition's owner at once. A member must write only the partitions of its current assignment.",
							r.Group, r.Generation, r.Topic, r.Partition, owner, o.Node, o.Kind, at(o.At), x.Node, x.Kind, at(x.At))
					}
				}
			}
		}
		nw, ok := newest[k]
		if !ok || nw.generation <= c.Generation {
			newest[k] = write{int32(i), c.Generation}
			continue
		}
		stale++
		if res.Witness != nil {
			continue
		}
		j := int(nw.rec)
		n, r := h.At(j), h.At(i)
		cause := lastBefore(h, i, c.Node, history.Pause)
		if cause < 0 {
			cause = lastBefore(h, i, c.Node, history.Expire)
		}
		res.Witness = pickRecords(h, cause, j, i)
		what := "applied the effect of " + r.Event
		if r.Kind == history.OffsetCommit {
			what = fmt.Sprintf("committed offset %d", r.Offset)
		}
		why := ""
		if cause >= 0 {
			c := h.At(cause)
			if c.Kind == history.Pause {
				why = fmt.Sprintf(" %s had stalled from %s to %s, longer than its session timeout, so the group moved its partitions on; it woke still holding a batch and carried on.", r.Node, at(c.At), at(c.Until))
			} else {
				why = fmt.Sprintf(" The group had removed %s at %s for missing its heartbeats; it carried on regardless.", r.Node, at(c.At))
			}
		}
		res.Explanation = fmt.Sprintf("In group %s, partition %s/%d was written by generation %d (%s, %s at %s) and then by the older generation %d: %s %s at %s. Two members acted as the partition's owner at once.%s Fence every write with the generation: reject commits from old generations, and store the generation with the effect so that the database refuses older ones.",
			r.Group, r.Topic, r.Partition, n.Generation, n.Node, n.Kind, at(n.At), r.Generation, r.Node, what, at(r.At), why)
	}
	if writes == 0 {
		return notApplicable(name, "no effect or offset commit of a consumer group carries a generation.")
	}
	if stale+intruders > 0 {
		res.Verdict = Violated
		var parts []string
		if stale > 0 {
			parts = append(parts, plural(stale, "write", "writes")+" came from an old generation")
		}
		if intruders > 0 {
			parts = append(parts, plural(intruders, "partition-generation was", "partition-generations were")+" written by a member not assigned it besides another")
		}
		res.Explanation += " In all, " + strings.Join(parts, "; ") + "."
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("All %d effects and offset commits of each partition came from the same or a newer generation than the writes before them, and no two members wrote one partition in one generation unless both were assigned it.", writes)
	return res
}

// assignment is what the Assign records say a group handed out.
type assignment struct {
	known map[assignKey]bool        // generations whose assignment was recorded (node "")
	owns  map[assignKey]map[int]int // node's partitions in a generation, with the Assign record's index
}

type assignKey struct {
	group, topic, node string
	generation         int
}

// assignments collects the Assign records of h.
func assignments(h *history.History) assignment {
	a := assignment{known: map[assignKey]bool{}, owns: map[assignKey]map[int]int{}}
	for i, r := range h.OfKind(history.Assign) {
		a.known[assignKey{r.Group, r.Topic, "", r.Generation}] = true
		k := assignKey{r.Group, r.Topic, r.Node, r.Generation}
		if a.owns[k] == nil {
			a.owns[k] = map[int]int{}
		}
		for _, f := range strings.Split(r.Partitions, ",") {
			if p, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
				a.owns[k][p] = i
			}
		}
	}
	return a
}

// assigned reports whether write r's member was assigned its partition in
// its generation (and the Assign record's index), and whether that
// generation's assignment is known at all.
func (a assignment) assigned(r history.Entry) (ok bool, rec int, known bool) {
	if !a.known[assignKey{r.Group, r.Topic, "", r.Generation}] {
		return false, -1, false
	}
	rec, ok = a.owns[assignKey{r.Group, r.Topic, r.Node, r.Generation}][r.Partition]
	if !ok {
		rec = -1
	}
	return ok, rec, true
}

// intrusion names two writers of one partition in one generation.
type intrusion struct{ assign, owner, other int }

// twoWriters returns two of the writes firsts (each a different member's
// first write of one partition in one generation) of which one member was
// not assigned the partition, or nil: two writers at once.
func twoWriters(h *history.History, a assignment, firsts []int) *intrusion {
	if len(firsts) < 2 {
		return nil
	}
	owner, assignRec, stranger := -1, -1, -1
	for _, i := range firsts {
		ok, rec, known := a.assigned(h.At(i))
		if !known {
			return nil
		}
		if ok && owner < 0 {
			owner, assignRec = i, rec
		}
		if !ok && stranger < 0 {
			stranger = i
		}
	}
	if stranger < 0 {
		return nil
	}
	if owner < 0 {
		// Neither is assigned it: the first writer stands for the owner.
		owner = firsts[0]
		if owner == stranger {
			owner = firsts[1]
		}
	}
	return &intrusion{assignRec, owner, stranger}
}

// lastBefore returns the index of the last record of kind k by node
// before index i, or -1.
func lastBefore(h *history.History, i int, node history.Sym, k history.Kind) int {
	for x := i - 1; x >= 0; x-- {
		if c := h.Record(x); c.Kind() == k && c.Node == node {
			return x
		}
	}
	return -1
}
