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
	// where is an offset of a partition, by symbol; the records are
	// compared in place, and only the witness's unpacked.
	type where struct {
		topic     history.Sym
		partition int32
		offset    int64
	}
	first := map[where]int{}
	reported := map[where]bool{}
	var bad, places int
	cut := truncatedAppends(h)
	for i, r := range h.Compact(history.Append, history.PublishAck, history.Deliver, history.ProjectionApply) {
		if cut[i] {
			continue
		}
		if r.KindCode() == codeProjectionApply && r.Topic == 0 {
			continue
		}
		if r.Event == 0 || r.Offset == history.OffsetUnknown {
			continue
		}
		w := where{r.Topic, r.Partition, r.Offset}
		j, ok := first[w]
		if !ok {
			first[w] = i
			places++
			continue
		}
		if h.Record(j).Event == r.Event || reported[w] {
			continue
		}
		reported[w] = true
		bad++
		if res.Witness == nil {
			o, e := h.At(j), h.At(i)
			res.Witness = pickRecords(h, j, i)
			res.Explanation = fmt.Sprintf("Offset %d of %s/%d holds two events: %s (%s by %s at %s) and %s (%s by %s at %s). The log must give each offset one record, and every producer and consumer must agree on it; a broker that acknowledges or serves two records at one offset (a leader change that truncates and reuses offsets, say) loses one of them for some reader.",
				e.Offset, e.Topic, e.Partition, o.Event, o.Kind, o.Node, at(o.At), e.Event, e.Kind, e.Node, at(e.At))
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
