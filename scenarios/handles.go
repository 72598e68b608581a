package scenarios

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
)

// handles reads a projection's `handles`: the event types the code of its
// projector has a handler for (an older version of the projection), each
// one the aggregate knows when the aggregate lists its types. The types
// are event types the file names, which Lint judges.
func (d *decoder) handles(m *mapping, what, aggregate string, p *model.ProjectorConfig, s *Scenario) {
	v := m.get("handles")
	if v == nil {
		return
	}
	items := d.list(v, what+".handles")
	if v.Kind == yaml.SequenceNode && len(items) == 0 {
		d.errorf(v, "%s.handles: want the event types the projector has a handler for, like [Opened, Deposited, Withdrawn]", what)
		return
	}
	if p.Source == model.SourceTopic {
		d.errorf(v, "%s.handles: only for a projection of the event store: it skips stored events of other types", what)
	}
	if p.RebuildAt > 0 && p.Rebuild == model.RebuildInPlace {
		d.errorf(v, "%s.handles: an in-place rebuild replays into the rows the live projector keeps writing with its own code: "+
			"rebuild blue-green or stop-then-rebuild to deploy the projection's current code", what)
	}
	var known []string
	if f, ok := domain.Lookup(aggregate); ok {
		if t, typed := f(1).(domain.Typed); typed {
			known = t.Types()
		}
	}
	for i, n := range items {
		t := d.name(n, fmt.Sprintf("%s.handles[%d]", what, i))
		if t == "" {
			continue
		}
		if known != nil && !slices.Contains(known, t) {
			d.errorf(n, "%s.handles[%d]: aggregate %s has no event type %q: want some of %s", what, i, aggregate, t, strings.Join(known, ", "))
		}
		if slices.Contains(p.Handles, t) {
			d.errorf(n, "%s.handles[%d]: %q is named twice", what, i, t)
		}
		p.Handles = append(p.Handles, t)
		s.eventTypes = append(s.eventTypes, placed{t, n.Line, n.Column})
	}
}
