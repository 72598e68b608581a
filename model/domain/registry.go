package domain

import (
	"fmt"
	"sort"
	"sync"
)

// The registry of domains: the aggregates and projections a history can
// name. The built-ins are registered at start; a user registers theirs
// before building a system or running checks, once per process.
var registry = struct {
	sync.RWMutex
	aggregates  map[string]Factory
	projections map[string]Projection
}{aggregates: map[string]Factory{}, projections: map[string]Projection{}}

func init() {
	Register("account", func(logic int) Aggregate { return Account{Cents: logic >= 2} })
	Register("cart", func(int) Aggregate { return Cart{} })
}

// Register makes aggregate f known by name, and its [ValueProjection] the
// projection of that name unless one is registered ([RegisterProjection]).
// It panics on an empty name, a nil factory or one that builds a nil
// aggregate, or a name registered twice: register in an init function or
// a package variable, not in a test that may run more than once.
func Register(name string, f Factory) {
	if name == "" || f == nil {
		panic("domain: Register needs a name and a factory")
	}
	if f(1) == nil { // called unlocked: a factory may look up others
		panic(fmt.Sprintf("domain: aggregate %q: its factory builds no aggregate (nil) for apply logic 1", name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.aggregates[name]; dup {
		panic(fmt.Sprintf("domain: aggregate %q registered twice", name))
	}
	registry.aggregates[name] = f
}

// RegisterProjection makes projection p known by name. It panics on an
// empty name, a nil projection (or nil [ProjectionFunc]), or a name
// registered twice.
func RegisterProjection(name string, p Projection) {
	registry.Lock()
	defer registry.Unlock()
	if name == "" || p == nil {
		panic("domain: RegisterProjection needs a name and a projection")
	}
	if f, ok := p.(ProjectionFunc); ok && f == nil {
		panic(fmt.Sprintf("domain: projection %q is a nil function", name))
	}
	if _, dup := registry.projections[name]; dup {
		panic(fmt.Sprintf("domain: projection %q registered twice", name))
	}
	registry.projections[name] = p
}

// Lookup returns the aggregate registered by name.
func Lookup(name string) (Factory, bool) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.aggregates[name]
	return f, ok
}

// LookupProjection returns the projection registered by name, or else the
// value projection (apply logic 1) of the aggregate registered by name.
func LookupProjection(name string) (Projection, bool) {
	registry.RLock()
	p, ok := registry.projections[name]
	registry.RUnlock()
	if ok {
		return p, true
	}
	if f, ok := Lookup(name); ok {
		return ValueProjection{f(1)}, true
	}
	return nil, false
}

// Names returns the names of the registered aggregates, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.aggregates))
	for n := range registry.aggregates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ProjectionNames returns the names of the registered projections and
// aggregates (each aggregate's value projection), sorted.
func ProjectionNames() []string {
	registry.RLock()
	set := map[string]bool{}
	for n := range registry.projections {
		set[n] = true
	}
	for n := range registry.aggregates {
		set[n] = true
	}
	registry.RUnlock()
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Infer returns the name of the one registered aggregate whose command
// and event types ([Typed]) include every type of types, for histories
// that do not name their aggregate. ok is false when none or several fit.
func Infer(types []string) (name string, ok bool) {
	if len(types) == 0 {
		return "", false
	}
	for _, n := range Names() {
		f, _ := Lookup(n)
		t, typed := f(1).(Typed)
		if !typed {
			continue
		}
		known := map[string]bool{}
		for _, x := range t.Types() {
			known[x] = true
		}
		fits := true
		for _, x := range types {
			fits = fits && known[x]
		}
		if fits {
			if name != "" {
				return "", false
			}
			name = n
		}
	}
	return name, name != ""
}
