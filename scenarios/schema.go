package scenarios

import (
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/domain"
)

// schema reads a projection's fold and whether it upcasts: `projection`
// names a registered projection, and `upcast: false` runs it without its
// upcaster, which only a projection that has one can do.
func (d *decoder) schema(m *mapping, what string, p *model.ProjectorConfig) {
	if v := m.get("projection"); v != nil {
		p.Projection = d.oneOf(v, what+".projection", domain.ProjectionNames()...)
	}
	v := m.get("upcast")
	if v == nil {
		return
	}
	p.SkipUpcast = !d.truth(v, what+".upcast")
	fold := "the value projection of the aggregate"
	if p.Projection != "" {
		fold = "projection " + p.Projection
		if f, ok := domain.LookupProjection(p.Projection); ok {
			if _, upcasts := domain.WithoutUpcaster(f); upcasts {
				return
			}
		}
	}
	d.errorf(v, "%s.upcast: %s has no upcaster, so there is nothing to turn on or off: name one that has (projection: eur-balances)", what, fold)
}
