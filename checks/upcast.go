package checks

import (
	"fmt"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// notUpcast explains a row of a read model of the event store (value at
// version of a stream, whose history.StoreAppend records are appends)
// that differs from the fold by the read model's projection p: when p
// reads events through an upcaster ([domain.Upcasting]) and the row is
// the fold without it, the projector applied events stored in an older
// schema as they are. It returns the first such event of the prefix (one
// the upcaster changes) and the explanation; ok is false when the row is
// not explained so.
func notUpcast(h *history.History, p domain.Projection, appends []int, version, value int64) (witness history.Entry, why string, ok bool) {
	u, upcasts := p.(domain.Upcasting)
	if !upcasts {
		return history.Entry{}, "", false
	}
	raw := streamFold(h, u.Projection, appends)
	if version < 0 || version >= int64(len(raw)) || raw[version] != value {
		return history.Entry{}, "", false
	}
	for _, i := range appends {
		r := h.At(i)
		if r.Version < 1 || r.Version > version {
			continue
		}
		e := eventOf(r, r.Version)
		if up := u.Upcaster.Upcast(e); up != e {
			return r, fmt.Sprintf("The row is the fold without the projection's upcaster: event %s (%s, version %d) is stored in an older schema "+
				"(payload %q), which the upcaster reads as %q, and the projector applied it as it is.", r.Event, eventWhat(r.Type, r.Amount), r.Version, r.Payload, up.Payload), true
		}
	}
	return history.Entry{}, "", false
}
