package scenarios

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/evsim/evsim/faults"
	"github.com/evsim/evsim/model"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/sim"
)

// topicRefs reports every producer and consumer that names a topic the
// scenario does not define, at the place where it names it. Without it,
// only the model's validation would catch them, with no line or column.
func (d *decoder) topicRefs(root *yaml.Node, topics []model.TopicConfig) {
	if len(topics) == 0 {
		return // the missing or empty topics are reported already
	}
	known := map[string]bool{}
	var names []string
	for _, t := range topics {
		known[t.Name] = true
		names = append(names, t.Name)
	}
	for _, section := range []string{"producers", "consumers"} {
		list := child(root, section)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range list.Content {
			for _, key := range []string{"topic", "output"} {
				ref := child(item, key)
				if ref == nil || ref.Kind != yaml.ScalarNode || ref.Value == "" || known[ref.Value] {
					continue
				}
				d.errorf(ref, "%s[%d].%s: unknown topic %q: define it under topics (defined: %s)",
					section, i, key, ref.Value, strings.Join(names, ", "))
			}
		}
	}
}

// child returns the value of key in the mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// nameRefs reports, where they are written, names defined twice (topics;
// producers and consumer groups, which share one namespace of nodes).
func (d *decoder) nameRefs(root *yaml.Node, s *Scenario) {
	seen := map[string]bool{}
	for i, item := range seq(child(root, "topics")) {
		if n := child(item, "name"); n != nil && n.Kind == yaml.ScalarNode {
			if seen[n.Value] {
				d.errorf(n, "topics[%d].name: topic %q is defined twice", i, n.Value)
			}
			seen[n.Value] = true
		}
	}
	// Producers and consumer groups share one namespace of nodes. Several
	// consumers entries may name one group (services sharing a group id);
	// sharedGroups checks that they agree.
	kind := map[string]string{"broker": "the broker"}
	for _, sec := range []struct{ list, key, what string }{{"producers", "name", "a producer"}, {"consumers", "group", "a group"}} {
		for i, item := range seq(child(root, sec.list)) {
			n := child(item, sec.key)
			if n == nil || n.Kind != yaml.ScalarNode {
				continue
			}
			if k, ok := kind[n.Value]; ok && !(k == "a group" && sec.what == "a group") {
				d.errorf(n, "%s[%d].%s: %q is already the name of %s: names must be unique", sec.list, i, sec.key, n.Value, k)
			}
			if _, ok := kind[n.Value]; !ok {
				kind[n.Value] = sec.what
			}
		}
	}
}

// faultTargets builds the scenario's system once and reports, where they
// are written, fault targets that name no node or consumer group in it.
func (d *decoder) faultTargets(root *yaml.Node, s *Scenario) {
	w := sim.New(s.Seed)
	h := &history.History{}
	sys, err := model.Build(w, s.System, h)
	if err != nil {
		return
	}
	if _, err := model.BuildES(w, s.ES, h, sys); err != nil {
		return
	}
	var names []string
	for i := range w.Nodes() {
		names = append(names, w.Name(sim.NodeID(i)))
	}
	items := seq(child(root, "faults"))
	ends := true
	for i, item := range items {
		ends = d.linkEnds(item, i, sys) && ends
	}
	var errs []error // each fault's, when every fault was read
	if len(items) == len(s.Faults.Faults) {
		errs = faults.Check(sys, s.Faults)
	}
	for i, err := range errs {
		switch {
		case err == nil:
		case child(items[i], "partition") != nil || child(items[i], "link") != nil:
			if ends {
				d.errorf(items[i], "faults[%d]: %v", i, err)
			}
		case child(items[i], "add-partitions") != nil:
			d.errorf(child(items[i], "add-partitions"), "faults[%d]: %v", i, err)
		}
	}
	for i, item := range items {
		for _, kind := range []string{"crash", "pause", "churn"} {
			n := child(item, kind)
			if n == nil || n.Kind != yaml.ScalarNode {
				continue
			}
			ids, err := sys.Targets(n.Value)
			if err != nil {
				d.errorf(n, "faults[%d].%s: unknown target %q: want a consumer group or one of the nodes %s",
					i, kind, n.Value, strings.Join(names, ", "))
				continue
			}
			if errs != nil && errs[i] != nil {
				// A known target the fault cannot strike, such as a
				// crash point it never passes.
				at := child(item, "point")
				if at == nil {
					at = n
				}
				d.errorf(at, "faults[%d]: %v", i, errs[i])
			}
			if pl := child(item, "power-loss"); pl != nil && pl.Value == "true" {
				for _, id := range ids {
					if !sys.IsBroker(id) {
						d.errorf(pl, "faults[%d].power-loss: only a broker of the cluster (broker-1 ...) loses its power; %s is not one",
							i, w.Name(id))
						break
					}
				}
			}
		}
	}
}

// linkEnds reports, where they are written, the nodes a partition or link
// fault names that no network fault can cut off; it reports whether there
// were none.
func (d *decoder) linkEnds(item *yaml.Node, i int, sys *model.System) bool {
	ok := true
	for _, kind := range []string{"partition", "link"} {
		n := child(item, kind)
		if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
			continue
		}
		if !sys.Replicated() {
			d.errorf(n, "faults[%d].%s: network faults cut the links of the broker cluster: give a topic replication-factor 2 or more", i, kind)
			return false
		}
		for _, side := range n.Content {
			names := []*yaml.Node{side}
			if side.Kind == yaml.SequenceNode {
				names = side.Content
			}
			for _, nn := range names {
				if nn.Kind != yaml.ScalarNode {
					continue
				}
				if _, err := sys.LinkEnd(nn.Value); err != nil {
					d.errorf(nn, "faults[%d].%s: %v", i, kind, err)
					ok = false
				}
			}
		}
	}
	return ok
}

// seq returns the items of a sequence node, or nil.
func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// projectionRefs reports, where they are written, clients and queries that
// name a projection the scenario does not define, whether or not their
// settings read it: a typo there would otherwise be ignored.
func (d *decoder) projectionRefs(root *yaml.Node) {
	var names []string
	for _, item := range seq(child(root, "projections")) {
		if n := child(item, "name"); n != nil && n.Kind == yaml.ScalarNode {
			names = append(names, n.Value)
		}
	}
	for _, section := range []string{"clients", "queries"} {
		for i, item := range seq(child(root, section)) {
			ref := child(item, "projection")
			if ref == nil || ref.Kind != yaml.ScalarNode || ref.Value == "" || slices.Contains(names, ref.Value) {
				continue
			}
			defined := "none"
			if len(names) > 0 {
				defined = strings.Join(names, ", ")
			}
			d.errorf(ref, "%s[%d].projection: unknown projection %q: define it under projections (defined: %s)", section, i, ref.Value, defined)
		}
	}
}

// modelSubject matches the start of a model validation error: the kind of
// entry it is about and its name.
var modelSubject = regexp.MustCompile(`^(topic|producer|consumer group|projection|client|query client) "([^"]*)": (.*)$`)

// modelSections maps the kind of entry a model error names to the list the
// file gives it in and the key that names it.
var modelSections = map[string]struct{ list, key string }{
	"topic": {"topics", "name"}, "producer": {"producers", "name"}, "consumer group": {"consumers", "group"},
	"projection": {"projections", "name"}, "client": {"clients", "name"}, "query client": {"queries", "name"},
}

// modelErrors reports each line of err, an error of the model's
// validation of what the file describes, at the entry it is about: its
// name, or the key that names an unknown topic or projection. A line
// about no entry is reported for the file, after what.
func (d *decoder) modelErrors(root *yaml.Node, what string, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		m := modelSubject.FindStringSubmatch(line)
		if m == nil {
			d.errorf(nil, "%s: %s", what, line)
			continue
		}
		sec := modelSections[m[1]]
		items := seq(child(root, sec.list))
		at, idx := -1, -1
		for i, item := range items {
			if n := child(item, sec.key); n != nil && n.Value == m[2] {
				at = i
				if !strings.Contains(m[3], "must be unique") {
					break // the first; a duplicate is the last
				}
			}
		}
		if at < 0 {
			d.errorf(nil, "%s: %s", what, line)
			continue
		}
		idx = at
		node, key := child(items[idx], sec.key), sec.key
		for _, ref := range []string{"topic", "projection"} {
			if strings.HasPrefix(m[3], "unknown "+ref+" ") && child(items[idx], ref) != nil {
				node, key = child(items[idx], ref), ref
			}
		}
		d.errorf(node, "%s[%d].%s: %s", sec.list, idx, key, line)
	}
}
