package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// InconsistentOffsets checks that one offset of a partition holds one
// event (Jepsen's :inconsistent-offsets): the broker's appends, its
// acknowledgements to producers and the records consumers and projectors
// read never name two different events at the same topic, partition and
// offset. An append that a later truncation removed was never committed
// and is left out. Its witness is the first record that names each of the
// two.
func InconsistentOffsets(h *history.History) Result {
	const name = "inconsistent-offsets"
	if res, bad := refuse(h, name); bad {
		return res
	}
	res := Result{Check: name}
	type where struct {
		tp
		offset int64
	}
	first := map[where]int{}
	reported := map[where]bool{}
	var bad, places int
	cut := truncatedAppends(h)
	for i, r := range h.OfKind(history.Append, history.PublishAck, history.Deliver, history.ProjectionApply) {
		if cut[i] {
			continue
		}
		switch r.Kind {
		case history.Append, history.PublishAck, history.Deliver:
		case history.ProjectionApply:
			if r.Topic == "" {
				continue
			}
		default:
			continue
		}
		if r.Event == "" || r.Offset == history.OffsetUnknown {
			continue
		}
		w := where{tp{r.Topic, r.Partition}, r.Offset}
		j, ok := first[w]
		if !ok {
			first[w] = i
			places++
			continue
		}
		o := h.At(j)
		if o.Event == r.Event || reported[w] {
			continue
		}
		reported[w] = true
		bad++
		if res.Witness == nil {
			res.Witness = pickRecords(h, j, i)
			res.Explanation = fmt.Sprintf("Offset %d of %s/%d holds two events: %s (%s by %s at %s) and %s (%s by %s at %s). The log must give each offset one record, and every producer and consumer must agree on it; a broker that acknowledges or serves two records at one offset (a leader change that truncates and reuses offsets, say) loses one of them for some reader.",
				r.Offset, r.Topic, r.Partition, o.Event, o.Kind, o.Node, at(o.At), r.Event, r.Kind, r.Node, at(r.At))
		}
	}
	if places == 0 {
		return notApplicable(name, "no record names an event at an offset of a log.")
	}
	if bad > 0 {
		res.Verdict = Violated
		res.Explanation += fmt.Sprintf(" %s in all hold two events.", plural(bad, "offset", "offsets"))
		return res
	}
	res.Verdict = Holds
	res.Explanation = fmt.Sprintf("Each of the %d offsets named by appends, acknowledgements and reads holds one event.", places)
	return res
}
