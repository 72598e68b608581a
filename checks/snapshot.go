package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// SnapshotReplay checks that every aggregate rebuilt from a snapshot plus
// the tail of its stream (a history.Load record with a snapshot) has the
// state a full replay of the stream gives under the apply logic in force.
func SnapshotReplay(h *history.History) Result {
	res := Result{Check: "snapshot-replay"}
	loads, bad := 0, 0
	for i, r := range h.Records {
		if r.Kind != history.Load {
			continue
		}
		loads++
		if r.State == r.Replay {
			continue
		}
		bad++
		if res.Witness != nil {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			s := h.Records[j]
			if s.Kind == history.Snapshot && s.Key == r.Key && s.Version == r.Basis {
				res.Witness = append(res.Witness, s)
				break
			}
		}
		res.Witness = append(res.Witness, r)
		res.Explanation = fmt.Sprintf("At %s %s rebuilt %s at version %d from the snapshot at version %d plus %d event(s) and got %q, "+
			"but replaying the whole stream with apply logic %d gives %q. ",
			at(r.At), r.Node, r.Key, r.Version, r.Basis, r.Version-r.Basis, r.State, r.Logic, r.Replay)
		if len(res.Witness) == 2 && res.Witness[0].Logic != r.Logic {
			res.Explanation += fmt.Sprintf("The snapshot was written by apply logic %d; the state it holds means something else to logic %d. "+
				"Stamp snapshots with the logic that wrote them and replay when the stamp differs. ", res.Witness[0].Logic, r.Logic)
		}
	}
	if bad > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf("%d of %d load(s) from a snapshot differed from the full replay.", bad, loads)
		return res
	}
	res.Verdict = Holds
	if loads == 0 {
		res.Explanation = "No aggregate was loaded from a snapshot."
	} else {
		res.Explanation = fmt.Sprintf("Each of the %d load(s) from a snapshot plus tail matched the full replay of its stream.", loads)
	}
	return res
}
