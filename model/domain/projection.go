package domain

// Projection is the fold of a read model: how one event changes the row
// of its stream (a balance, an item count, a stock level). The projector
// applies it to each event it reads, and the projection checks fold the
// log with the same function to judge the rows the read model holds.
// It must be pure.
type Projection interface {
	// Apply returns the row of e's stream after e, given the row before
	// it (0 for no row). e.Version is the row's version after e: the
	// stream version of an event of the store, or the count of records
	// of the key applied so far for a read model fed by a topic.
	Apply(row int64, e Event) int64
}

// ProjectionFunc adapts a function to [Projection].
type ProjectionFunc func(row int64, e Event) int64

// Apply implements Projection.
func (f ProjectionFunc) Apply(row int64, e Event) int64 { return f(row, e) }

// ValueProjection is an aggregate's own projection: the row is the
// aggregate's Value, folded one event at a time through FromRow, Apply
// and Value. It is the read model of the built-in aggregates, so that
// their rules are written once, in their Apply.
type ValueProjection struct{ Aggregate Aggregate }

// Apply implements Projection.
func (p ValueProjection) Apply(row int64, e Event) int64 {
	if acc, ok := p.Aggregate.(Account); ok {
		return acc.applyRow(row, e)
	}
	a := p.Aggregate
	return a.Value(a.Apply(a.FromRow(row, e.Version-1), e))
}
