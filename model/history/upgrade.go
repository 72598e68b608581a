package history

// upgradeV1 fills in what a version 1 history left implicit and later
// versions record: the publishers of the event store's events. In version
// 1 a publisher of the store's events is known only by what it published:
// a node that published an event id the store committed (store-append) is
// one, for the topics it published such ids to. upgradeV1 records a
// StorePublisher for each, at the start of the history, in the order of
// their first such publish. (A subscriber's statefulness, the other
// version 1.1 fact, is inferred by the check that needs it, from the
// values its effects carry.)
func upgradeV1(es []Entry) []Entry {
	committed := map[string]bool{}
	for _, r := range es {
		if r.Kind == StoreAppend {
			committed[r.Event] = true
		}
	}
	if len(committed) == 0 {
		return es
	}
	type pub struct{ node, topic string }
	seen := map[pub]bool{}
	var decl []Entry
	for _, r := range es {
		p := pub{r.Node, r.Topic}
		if r.Kind == Publish && committed[r.Event] && !seen[p] {
			seen[p] = true
			decl = append(decl, Entry{Kind: StorePublisher, Node: r.Node, Topic: r.Topic})
		}
	}
	return append(decl, es...)
}
