package history

// upgradeV1 fills in what the version 1 history h, read whole, left
// implicit and later versions record: the publishers of the event
// store's events. In version 1 a publisher of the store's events is known
// only by what it published: a node that published an event id the store
// committed (store-append) is one, for the topics it published such ids
// to. upgradeV1 returns a history that records a StorePublisher for each,
// at the start, in the order of their first such publish, then h's
// records; it closes h. Both histories spill past budget, so that an old
// file is read in the memory a new one is: only the committed ids are
// kept aside. (A subscriber's statefulness, the other version 1.1 fact,
// is inferred by the check that needs it, from the values its effects
// carry.)
func upgradeV1(h *History, budget int64, dir string) (*History, error) {
	committed := map[string]bool{}
	for _, r := range h.All() {
		if r.Kind == StoreAppend {
			committed[r.Event] = true
		}
	}
	if len(committed) == 0 {
		return h, nil
	}
	up := &History{Source: h.Source}
	up.SpillOver(budget, dir)
	type pub struct{ node, topic string }
	seen := map[pub]bool{}
	for _, r := range h.All() {
		p := pub{r.Node, r.Topic}
		if r.Kind == Publish && committed[r.Event] && !seen[p] {
			seen[p] = true
			up.add(&Entry{Kind: StorePublisher, Node: r.Node, Topic: r.Topic})
		}
	}
	for _, r := range h.All() {
		up.add(&r)
	}
	err := h.Err()
	h.Close()
	if err == nil {
		err = up.Err()
	}
	if err != nil {
		up.Close()
		return nil, err
	}
	return up, nil
}
