package scenarios

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// hit returns the bound a run of steps kernel events with history h has
// reached, as a phrase naming it and how to raise it, or "". A history
// whose spill file failed halts the run too (see [spillErr]).
func (b Bounds) hit(steps uint64, h *history.History) string {
	switch {
	case b.Events > 0 && steps >= b.Events:
		return fmt.Sprintf("%d kernel events (raise it with --max-events)", b.Events)
	case b.HistoryBytes > 0 && h.Size() >= b.HistoryBytes:
		disk := ""
		if d := h.DiskBytes(); d > 0 {
			disk = fmt.Sprintf(", %s of it spilled to disk", mib(d))
		}
		return fmt.Sprintf("%s of history (%d records%s; raise it with --max-history)", mib(b.HistoryBytes), h.Len(), disk)
	case h.Err() != nil:
		return "a history that could not spill to disk"
	}
	return ""
}

// spillErr returns the error of h's spill file as the run's: its records
// cannot all be read, so the run cannot be judged.
func spillErr(s *Scenario, h *history.History) error {
	err := h.Err()
	if err == nil {
		return nil
	}
	h.Close()
	return fmt.Errorf("%s: the history could not spill to disk: %w (free space in the spill folder, choose another with --spill-dir, or raise --memory)", s.File, err)
}

// mib writes n bytes in whole GiB, MiB or KiB, the largest that fits.
func mib(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
