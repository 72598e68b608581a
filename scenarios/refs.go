package scenarios

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"evsim/model"
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
			ref := child(item, "topic")
			if ref == nil || ref.Kind != yaml.ScalarNode || ref.Value == "" || known[ref.Value] {
				continue
			}
			d.errorf(ref, "%s[%d].topic: unknown topic %q: define it under topics (defined: %s)",
				section, i, ref.Value, strings.Join(names, ", "))
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
