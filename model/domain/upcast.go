package domain

// Upcaster turns a stored event written in an older schema into the
// current schema, on read: the stored event never changes. It returns an
// event already in the current schema unchanged. It must be pure.
type Upcaster interface {
	Upcast(e Event) Event
}

// UpcasterFunc adapts a function to [Upcaster].
type UpcasterFunc func(e Event) Event

// Upcast implements Upcaster.
func (f UpcasterFunc) Upcast(e Event) Event { return f(e) }

// Upcasting is a projection written for the current schema of its events
// that reads every stored event through an upcaster first, as Marten's
// Events.Upcast, Axon's EventUpcaster chain, or a deserializer step in
// front of an EventStoreDB subscription do. Its Apply is what the read
// model means, so the projection checks fold stored events with it.
type Upcasting struct {
	Upcaster   Upcaster
	Projection Projection
}

// Apply implements Projection: the current schema's Apply of the event
// upcast.
func (u Upcasting) Apply(row int64, e Event) int64 {
	return u.Projection.Apply(row, u.Upcaster.Upcast(e))
}

// WithoutUpcaster returns the projection p applies to the events its
// upcaster returns, and true, when p is an [Upcasting]; else p and false.
// A projector that runs it reads old events as if they were written in
// the current schema: a field they lack is read as its zero value.
func WithoutUpcaster(p Projection) (Projection, bool) {
	if u, ok := p.(Upcasting); ok {
		return u.Projection, true
	}
	return p, false
}
