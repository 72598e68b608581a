package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// SnapshotReplay checks the states an aggregate is rebuilt from against
// the log: every history.Load record's State (the aggregate rebuilt at
// Version, from a snapshot plus the tail when Basis > 0) equals the fold
// of the stream's first Version stored events under the apply logic of
// the load (Logic), and every history.Snapshot record's State equals the
// fold of its stream's first Version events under the logic it is
// stamped with. The check folds the history.StoreAppend records itself,
// with the Apply of the aggregate the history names (history.StoreAggregate,
// looked up in the registry: [RegisterDomain]); it never trusts the
// Replay a load reports. A load or snapshot of a stream it cannot fold
// (an aggregate that is not registered, or a stored event missing from
// the history) is compared with the load's reported Replay instead, and
// said so; a snapshot of such a stream is not judged.
func SnapshotReplay(h *history.History) Result { return snapshotReplay(NewJudgement(h)) }

func snapshotReplay(j *Judgement) Result {
	h := j.h
	res := Result{Check: "snapshot-replay"}
	stored := storedStreams(h)
	doms := j.domains()
	var whyNot string
	loads, snaps, reported, unjudged, bad := 0, 0, 0, 0, 0
	flag := func(witness []history.Entry, why string) {
		bad++
		if res.Witness == nil {
			res.Witness, res.Explanation = witness, why
		}
	}
	for i, c := range h.Compact(history.Load, history.Snapshot) {
		key := c.Key
		r := h.At(i) // its state, basis and logic live in its side row
		events, ok := streamPrefix(stored[key], r.Version)
		var want string
		if ok {
			var why string
			want, ok, why = aggregateState(h, doms, r.Key, events, r.Logic)
			if !ok && whyNot == "" {
				whyNot = why
			}
		}
		logic := max(1, r.Logic)
		if r.Kind == history.Snapshot {
			if !ok {
				unjudged++
				continue
			}
			snaps++
			if r.State != want {
				flag([]history.Entry{r}, fmt.Sprintf("At %s %s saved a snapshot of %s at version %d holding %q (apply logic %d), "+
					"but folding the first %d stored event(s) of the stream with that logic gives %q: every load from it starts from a wrong state. ",
					at(r.At), r.Node, r.Key, r.Version, r.State, logic, r.Version, want))
			}
			continue
		}
		if !ok {
			if r.Replay == "" {
				unjudged++
				continue
			}
			reported++
			want = r.Replay
		} else {
			loads++
		}
		if r.State == want {
			continue
		}
		if res.Witness != nil { // only the first is told
			bad++
			continue
		}
		var witness []history.Entry
		var snap *history.Entry
		for j := i - 1; j >= 0 && r.Basis > 0; j-- {
			if s := h.Record(j); s.KindCode() == codeSnapshot && s.Key == key && s.Version == r.Basis {
				snap = addr(h.At(j))
				witness = append(witness, *snap)
				break
			}
		}
		witness = append(witness, r)
		source := "by a full replay"
		if r.Basis > 0 {
			source = fmt.Sprintf("from the snapshot at version %d plus %d event(s)", r.Basis, r.Version-r.Basis)
		}
		why := fmt.Sprintf("At %s %s rebuilt %s at version %d %s and got %q, but folding the first %d stored event(s) of the stream with apply logic %d gives %q. ",
			at(r.At), r.Node, r.Key, r.Version, source, r.State, r.Version, logic, want)
		if !ok {
			why = fmt.Sprintf("At %s %s rebuilt %s at version %d %s and got %q, but the full replay it reports with apply logic %d gives %q. ",
				at(r.At), r.Node, r.Key, r.Version, source, r.State, logic, want)
		} else if r.Replay == r.State {
			why += fmt.Sprintf("The replay the load reports (%q) agrees with the wrong state: both are wrong. ", r.Replay)
		}
		if snap != nil && max(1, snap.Logic) != logic {
			why += fmt.Sprintf("The snapshot was written by apply logic %d; the state it holds means something else to logic %d. "+
				"Stamp snapshots with the logic that wrote them and replay when the stamp differs. ", max(1, snap.Logic), logic)
		}
		flag(witness, why)
	}
	if bad > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf("%d of %d load(s) and snapshot(s) differed from the fold of the stream.", bad, loads+snaps+reported)
		return res
	}
	if loads+snaps+reported == 0 {
		res.Verdict = Unknown
		res.Explanation = "Not applicable: no aggregate was snapshotted or loaded from a snapshot (no snapshot or load records)."
		if unjudged > 0 {
			res.Explanation = fmt.Sprintf("Not applicable: %d load(s) and snapshot(s) are of streams the check cannot fold "+
				"(an aggregate it cannot look up, or stored events missing from the history), and report no replay.", unjudged)
			if whyNot != "" {
				res.Explanation += " " + capitalize(whyNot) + "."
			}
		}
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d load(s) and %d snapshot(s) equalled the fold of the first events of its stream under its apply logic, folded from the stored events.", loads, snaps)
	if reported > 0 {
		res.Explanation += fmt.Sprintf(" %d load(s) of streams the check cannot fold matched only the full replay they report.", reported)
	}
	if unjudged > 0 {
		res.Explanation += fmt.Sprintf(" %d load(s) or snapshot(s) of streams the check cannot fold were not judged.", unjudged)
	}
	return res
}
