package checks

import (
	"sort"

	"github.com/evsim/evsim/model/history"
)

// sub is one subscription of a history: a service of a group consuming a
// topic. Service is empty when the service is the group itself.
type subscriber struct {
	group, service, topic string
	queue                 bool
}

// name returns how a subscription is called in explanations.
func (s subscriber) name() string {
	if s.service == "" {
		return "group " + s.group
	}
	return "service " + s.service + " (group " + s.group + ")"
}

// subscriptions returns the subscriptions of consumer groups in h per
// topic, sorted by group and service, each once (a recorder may write a
// subscribe record for each member of a group: the first one counts).
// Read models fed by a topic are left out: the projection checks judge
// them (see projectionTopics).
func subscriptions(h *history.History) map[string][]subscriber {
	out := map[string][]subscriber{}
	seen := map[[3]string]bool{}
	for _, r := range h.OfKind(history.Subscribe) {
		k := [3]string{r.Group, r.Service, r.Topic}
		if r.Style != history.StyleProjection && !seen[k] {
			seen[k] = true
			out[r.Topic] = append(out[r.Topic], subscriber{r.Group, r.Service, r.Topic, r.Style == history.StyleQueue})
		}
	}
	for _, ss := range out {
		sort.Slice(ss, func(i, j int) bool {
			if ss[i].group != ss[j].group {
				return ss[i].group < ss[j].group
			}
			return ss[i].service < ss[j].service
		})
	}
	return out
}

// tp names a partition of a topic.
type tp struct {
	topic     string
	partition int
}

// gtp names a group's view of a partition.
type gtp struct {
	group string
	tp
}

// pickRecords returns the records at the given indexes of h, in history order,
// without repeats and skipping negative indexes.
func pickRecords(h *history.History, idx ...int) []history.Entry {
	keep := make([]int, 0, len(idx))
	for _, i := range idx {
		if i >= 0 {
			keep = append(keep, i)
		}
	}
	sort.Ints(keep)
	n := 0
	for k, i := range keep {
		if k == 0 || keep[k-1] != i {
			n++
		}
	}
	var out []history.Entry
	if n > 0 {
		out = make([]history.Entry, 0, n)
	}
	for k, i := range keep {
		if k > 0 && keep[k-1] == i {
			continue
		}
		out = append(out, h.At(i))
	}
	return out
}

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

// commitTaken reports whether r is an offset commit the broker is known to
// have taken: a live run's commit whose answer never came (Outcome
// unknown) may not have moved the group's offset, so no check counts it.
func commitTaken(r history.Entry) bool {
	return r.Kind == history.OffsetCommit && r.Outcome != history.OutcomeUnknown
}
