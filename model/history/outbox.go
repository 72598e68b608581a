package history

// StorePublisher: Node publishes the events committed to the event store
// to Topic: an outbox relay, or a command session that publishes its own
// events right before or right after its append (a dual write). Recorded
// once per publisher at the start of the run, before any publish. The
// Publish records of these nodes to Topic are the store's events; a
// publish by any other node (an ordinary producer) is not, and a history
// without StorePublisher records publishes none of the store's events.
const StorePublisher Kind = "store-publisher"
