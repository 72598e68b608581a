package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Reproducer returns a scenario file that replays a finding: the
// scenario's own file with its name suffixed by "-explored", its seed
// pinned, its faults replaced by the finding's exact crashes, and its
// expectations set to the verdicts the finding's run reached. Running it
// reproduces the violation and meets its expectations.
func (s *Scenario) Reproducer(f *Finding) ([]byte, error) {
	if len(s.Source) == 0 {
		return nil, errors.New("reproducer: the scenario has no source file to rewrite")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(s.Source, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("reproducer: %s: %v", s.File, err)
	}
	root := doc.Content[0]
	set(root, "name", scalar(s.Name+"-explored"))
	set(root, "title", scalar("Found by evsim explore: "+s.Title))
	set(root, "seed", scalar(strconv.FormatUint(s.Seed, 10)))
	plan := &yaml.Node{Kind: yaml.SequenceNode}
	// The faults a plan does not replace stay (see replaced): everything
	// but a crash by chance or at a pass.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "faults" || root.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range root.Content[i+1].Content {
			if !hasKey(item, "crash") || hasKey(item, "at") {
				plan.Content = append(plan.Content, item)
			}
		}
	}
	for _, c := range f.Plan {
		restart := "never"
		if c.RestartAfter >= 0 {
			restart = c.RestartAfter.String()
		}
		plan.Content = append(plan.Content, &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			scalar("crash"), scalar(c.Target), scalar("point"), scalar(string(c.Point)),
			scalar("at-hit"), scalar(strconv.Itoa(c.Nth)), scalar("restart-after"), scalar(restart),
		}})
	}
	set(root, "faults", plan)
	expect := &yaml.Node{Kind: yaml.MappingNode}
	for _, r := range f.Outcome.Results {
		expect.Content = append(expect.Content, scalar(r.Check), scalar(string(r.Verdict)))
	}
	set(root, "expect", expect)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("reproducer: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("reproducer: %w", err)
	}
	return buf.Bytes(), nil
}

// hasKey says whether the mapping m has key.
func hasKey(m *yaml.Node, key string) bool {
	for i := 0; m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// set replaces the value of key in the mapping m, or appends the key.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v.HeadComment, v.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(key), v)
}
