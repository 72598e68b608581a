package history

// The records that name the business logic a history is about, so that a
// check that needs a domain's rules (what a linearizable answer, a
// snapshot or a read model row should have been) can look them up by
// name (package domain's registry) instead of guessing them from event
// types. A history without them is judged by the event types, or not at
// all.
const (
	// StoreAggregate: the events of event store Node are those of the
	// aggregate registered as Type.
	StoreAggregate Kind = "store-aggregate"
	// ReadModelProjection: read model Group, kept by projector Node,
	// folds its rows with the projection registered as Type.
	ReadModelProjection Kind = "read-model-projection"
)
