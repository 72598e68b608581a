package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/history"
)

// lastUnhandled returns the latest history.ProjectionUnhandled record
// before record i of read model group and stream key, below stream
// version below, by projector node ("" for any projector of the read
// model), since the read model was last truncated. ok is false when there
// is none. It reads the records in place, comparing symbols, and unpacks
// only a reset's (for its rebuild mode) and the one it returns.
func lastUnhandled(h *history.History, i int, group, key, node string, below int64) (history.Entry, bool) {
	g, ok1 := h.Lookup(group)
	k, ok2 := h.Lookup(key)
	n, ok3 := h.Lookup(node)
	if !ok1 || !ok2 || !ok3 || h.Count(history.ProjectionUnhandled) == 0 {
		return history.Entry{}, false // no record names them all, or none is unhandled
	}
	for j := i - 1; j >= 0; j-- {
		q := h.Record(j)
		if q.Group != g {
			continue
		}
		switch q.KindCode() {
		case codeProjectionReset:
			if h.At(j).Rebuild != history.RebuildBlueGreen {
				return history.Entry{}, false
			}
		case codeProjectionUnhandled:
			if q.Key == k && q.Version < below && (node == "" || q.Node == n) {
				return h.At(j), true
			}
		}
	}
	return history.Entry{}, false
}

// unhandledWhy explains a row that misses event u, which its projector
// skipped for want of a handler for its type.
func unhandledWhy(u history.Entry) string {
	return fmt.Sprintf("Version %d of %s (event %s, %s, position %d) reached projector %s at %s, whose code has no handler for event type %s: "+
		"it skipped the event, left the row alone and moved its checkpoint past it. The read model's projection counts %s; "+
		"the projector is older than the code that wrote the event (deploy a projector that handles a new event type before any writer emits it).",
		u.Version, u.Key, u.Event, eventWhat(u.Type, u.Amount), u.Position, u.Node, at(u.At), u.Type, u.Type)
}
