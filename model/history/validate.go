package history

import (
	"fmt"
	"runtime"
)

// Validate checks that h is a history checks can judge: its records are in
// the order they happened, so no record's At is negative or earlier than
// the At of the record before it. A shuffled or time-reversed history would
// otherwise yield false verdicts (an effect judged before its publish, a
// poll before the read it follows). The error names the first record out
// of order, counting from 1.
//
// The history remembers how many of its leading records it found in
// order, so that the checks of one judgement, which each validate the
// history they judge, read its records once: a later Validate reads only
// the records added since, and those from the first one [History.Set]
// replaced. [History.Reset] forgets it all, and so does an error of the
// history's spill file (a chunk that could not be read back is zero).
func (h *History) Validate() error {
	from := h.ordered
	if h.sp != nil && h.sp.err != nil {
		from = 0
	}
	var prev int64
	if from > 0 {
		prev = h.rec(from - 1).At
	}
	for i := from; i < h.n; i++ {
		r := h.rec(i)
		if r.At < 0 {
			h.ordered = i
			return fmt.Errorf("record %d (%s) has negative time %d: times are nanoseconds since the start of the run", i+1, r.Kind(), r.At)
		}
		if r.At < prev {
			h.ordered = i
			return fmt.Errorf("record %d (%s at %d) is earlier than the record before it (at %d): records must be in the order they happened", i+1, r.Kind(), r.At, prev)
		}
		prev = r.At
	}
	if h.sp == nil || h.sp.err == nil {
		h.ordered = h.n
	}
	runtime.KeepAlive(h) // see chunkMem
	return nil
}

// MaxAt returns the latest At of the history's records, or 0 when none is
// later than 0: the last record's when [History.Validate] found them all
// in order, without reading the others.
func (h *History) MaxAt() int64 {
	if h.n > 0 && h.ordered == h.n && (h.sp == nil || h.sp.err == nil) {
		at := max(h.rec(h.n-1).At, 0)
		runtime.KeepAlive(h) // see chunkMem
		return at
	}
	var end int64
	for i := range h.n {
		end = max(end, h.rec(i).At)
	}
	runtime.KeepAlive(h)
	return end
}
