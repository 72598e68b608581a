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
	var open map[nodeTP]*[]int // the appends not cut yet, of each broker's partition
	var cut map[int]bool
	var cur *[]int
	var curKey nodeTP
	for i, r := range h.Compact(history.Append, history.Truncate) {
		if k := (nodeTP{r.Node, r.Topic, r.Partition}); cur == nil || k != curKey {
			if open == nil {
				open = map[nodeTP]*[]int{}
			}
			if cur = open[k]; cur == nil {
				cur = new([]int)
				open[k] = cur
			}
			curKey = k
		}
		switch r.KindCode() {
		case codeAppend:
			*cur = append(*cur, i)
		case codeTruncate:
			kept := (*cur)[:0]
			for _, j := range *cur {
				if h.Record(j).Offset >= r.Offset {
					if cut == nil {
						cut = map[int]bool{}
					}
					cut[j] = true
					continue
				}
				kept = append(kept, j)
			}
			*cur = kept
		}
	}
	return cut
}
