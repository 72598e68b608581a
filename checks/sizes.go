package checks

import "github.com/evsim/evsim/model/history"

// countKinds returns how many records of h are of one of the kinds: a size
// hint for a map with about one entry per such record, so that the map is
// allocated once instead of growing (and rehashing) as the history is
// read.
func countKinds(h *history.History, kinds ...history.Kind) int {
	n := 0
	for i := range h.All() {
		for _, k := range kinds {
			if h.At(i).Kind == k {
				n++
				break
			}
		}
	}
	return n
}
