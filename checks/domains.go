package checks

import (
	"fmt"
	"sort"

	"github.com/evsim/evsim/model/domain"
	"github.com/evsim/evsim/model/history"
)

// RegisterDomain makes a user's aggregate known to the checks (and to the
// model) by the name its histories record (history.StoreAggregate): the
// linearizability and snapshot checks then judge its streams by its own
// Decide and Apply, and projection-equals-fold its read models by its
// value projection. A history naming an aggregate that is not registered
// is left unknown by those checks, with the reason. See [domain.Register].
func RegisterDomain(name string, f domain.Factory) { domain.Register(name, f) }

// RegisterProjection makes a user's projection known by the name its
// histories record (history.ReadModelProjection). See
// [domain.RegisterProjection].
func RegisterProjection(name string, p domain.Projection) { domain.RegisterProjection(name, p) }

// domains says which aggregate and which projections a history is about:
// by the names its history.StoreAggregate and history.ReadModelProjection
// records give, looked up in the registry. A history that names no
// aggregate (one written before histories did) is judged, stream by
// stream, as the registered aggregate whose command and event types fit
// the stream's ([domain.Infer]), or as the history's as a whole, or as
// the built-in account when it has no typed command or event at all; a read model it names no
// projection for folds its rows with the value projection of its key's
// aggregate.
type domains struct {
	aggregate string // named by the history; "" when it names none
	declared  bool
	named     map[string]string   // read model -> projection name
	types     map[string][]string // stream -> its command and event types, sorted
	all       []string            // every command and event type, sorted
	// cache of resolved lookups
	aggs  map[string]resolvedAgg
	projs map[[2]string]resolvedProj
}

type resolvedAgg struct {
	f    domain.Factory
	name string
	why  string // why there is none
}

type resolvedProj struct {
	p   domain.Projection
	why string
}

// domainsOf reads the domain names and stored event types of h.
func domainsOf(h *history.History) *domains {
	d := &domains{named: map[string]string{}, types: map[string][]string{},
		aggs: map[string]resolvedAgg{}, projs: map[[2]string]resolvedProj{}}
	keysOf := map[history.Sym]*symSet{} // by event type (a few): the stream keys seen with it
	all := new(symSet)                  // the event types seen
	var types []history.Sym
	kinds := []history.Kind{history.StoreAggregate, history.ReadModelProjection, history.StoreAppend, history.Append, history.Command}
	if h.Count(history.StoreAggregate) > 0 {
		// The history names its aggregate: the types of its streams
		// are not needed to infer one.
		kinds = kinds[:2]
	}
	for _, r := range h.Compact(kinds...) {
		switch r.KindCode() {
		case codeStoreAggregate:
			if !d.declared {
				d.aggregate, d.declared = h.Str(r.Type), true
			}
		case codeReadModelProjection:
			if g := h.Str(r.Group); !hasKey(d.named, g) {
				d.named[g] = h.Str(r.Type)
			}
		case codeStoreAppend, codeAppend, codeCommand:
			if r.Type == 0 {
				continue
			}
			if keys := symSetOf(keysOf, r.Type); !keys.has(r.Key) {
				keys.add(r.Key)
				k := h.Str(r.Key)
				d.types[k] = append(d.types[k], h.Str(r.Type))
			}
			if !all.has(r.Type) {
				all.add(r.Type)
				types = append(types, r.Type)
			}
		}
	}
	for k := range d.types {
		sort.Strings(d.types[k])
	}
	for _, t := range types {
		d.all = append(d.all, h.Str(t))
	}
	sort.Strings(d.all)
	return d
}

// aggregateOf returns the aggregate of stream key, its name, or why it has
// none.
func (d *domains) aggregateOf(key string) (domain.Factory, string, string) {
	if r, ok := d.aggs[key]; ok {
		return r.f, r.name, r.why
	}
	r := d.resolve(key)
	d.aggs[key] = r
	return r.f, r.name, r.why
}

func (d *domains) resolve(key string) resolvedAgg {
	if d.declared {
		if f, ok := domain.Lookup(d.aggregate); ok {
			return resolvedAgg{f: f, name: d.aggregate}
		}
		return resolvedAgg{why: fmt.Sprintf("the history's aggregate %q is not registered (register it with checks.RegisterDomain; registered: %v)",
			d.aggregate, domain.Names())}
	}
	name, ok := domain.Infer(d.types[key])
	if !ok && len(d.types[key]) == 0 {
		name, ok = domain.Infer(d.all)
		if !ok && len(d.all) == 0 {
			name, ok = "account", true
		}
	}
	if !ok {
		types := d.types[key]
		if len(types) == 0 {
			types = d.all
		}
		return resolvedAgg{why: fmt.Sprintf("the history names no aggregate and the types %v fit no registered aggregate", types)}
	}
	f, _ := domain.Lookup(name)
	return resolvedAgg{f: f, name: name}
}

// projectionOf returns the projection read model group folds key's rows
// with, or why there is none.
func (d *domains) projectionOf(group, key string) (domain.Projection, string) {
	if name, ok := d.named[group]; ok {
		k := [2]string{group, ""}
		if r, ok := d.projs[k]; ok {
			return r.p, r.why
		}
		var r resolvedProj
		if p, ok := domain.LookupProjection(name); ok {
			r.p = p
		} else {
			r.why = fmt.Sprintf("read model %s's projection %q is not registered (register it with checks.RegisterProjection; registered: %v)",
				group, name, domain.ProjectionNames())
		}
		d.projs[k] = r
		return r.p, r.why
	}
	k := [2]string{group, key}
	if r, ok := d.projs[k]; ok {
		return r.p, r.why
	}
	var r resolvedProj
	if f, _, why := d.aggregateOf(key); f != nil {
		r.p = domain.ValueProjection{Aggregate: f(1)}
	} else {
		r.why = why
	}
	d.projs[k] = r
	return r.p, r.why
}

// eventOf returns the event a store-append or append record holds, at
// version (the stream version, or the count of a key's records in a
// topic).
func eventOf(r history.Entry, version int64) domain.Event {
	return domain.Event{ID: r.Event, Stream: r.Key, Type: r.Type, Amount: r.Amount, Payload: r.Payload,
		Version: version, Position: r.Position, Command: r.Command}
}

// storedEventOf is [eventOf] of r, a history.StoreAppend record of h read
// in place.
func storedEventOf(h *history.History, r *history.Record) domain.Event {
	return domain.Event{ID: h.Str(r.Event), Stream: h.Str(r.Key), Type: h.Str(r.Type), Amount: r.Amount, Payload: h.Str(h.PayloadOf(r)),
		Version: r.Version, Position: r.Position, Command: h.Str(h.CommandOf(r))}
}

// hasKey reports whether m has key k.
func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
