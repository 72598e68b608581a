package checks

import "github.com/evsim/evsim/model/history"

// truncatedAppends returns the indexes of the append records whose record
// a later truncation removed from the log: an append by broker N at an
// offset at or past the end a later truncate record of N sets for that
// partition. Such a record was never committed (a leader's append that a
// leader change cut off), so its offset may hold another record later and
// its event may be appended again: checks of the log leave it out.
func truncatedAppends(h *history.History) map[int]bool {
	type nodeTP struct {
		node, topic history.Sym
		partition   int32
	}
	var open map[nodeTP][]int
	var cut map[int]bool
	for i, r := range h.Compact(history.Append, history.Truncate) {
		k := nodeTP{r.Node, r.Topic, r.Partition}
		switch r.Kind() {
		case history.Append:
			if open == nil {
				open = map[nodeTP][]int{}
			}
			open[k] = append(open[k], i)
		case history.Truncate:
			kept := open[k][:0]
			for _, j := range open[k] {
				if h.Record(j).Offset >= r.Offset {
					if cut == nil {
						cut = map[int]bool{}
					}
					cut[j] = true
					continue
				}
				kept = append(kept, j)
			}
			open[k] = kept
		}
	}
	return cut
}
