package scenarios_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/evsim/evsim/scenarios"
)

// stripDefaults returns a copy of s with every value that Normalize fills
// in left out, as a user building the scenario in Go would leave them.
func stripDefaults(s *scenarios.Scenario) *scenarios.Scenario {
	g := *s
	if g.Drain == scenarios.DefaultDrain {
		g.Drain = 0
	}
	if g.Faults.Until == g.Duration {
		g.Faults.Until = 0
	}
	if len(g.Expect) == 0 {
		g.Expect = nil
	}
	g.System.Producers = append(g.System.Producers[:0:0], s.System.Producers...)
	for i := range g.System.Producers {
		if g.System.Producers[i].Stop == g.Duration {
			g.System.Producers[i].Stop = 0
		}
	}
	g.System.Consumers = append(g.System.Consumers[:0:0], s.System.Consumers...)
	for i := range g.System.Consumers {
		c := &g.System.Consumers[i]
		if c.Handler == scenarios.DefaultHandler {
			c.Handler = ""
		}
		if c.Members == 1 {
			c.Members = 0
		}
	}
	g.ES.Clients = append(g.ES.Clients[:0:0], s.ES.Clients...)
	for i := range g.ES.Clients {
		if g.ES.Clients[i].Stop == g.Duration {
			g.ES.Clients[i].Stop = 0
		}
	}
	g.ES.Queries = append(g.ES.Queries[:0:0], s.ES.Queries...)
	for i := range g.ES.Queries {
		if g.ES.Queries[i].Stop == g.Duration {
			g.ES.Queries[i].Stop = 0
		}
	}
	return &g
}

// TestGoScenarioRunsAsItsYAMLTwin shows that a scenario built in Go with
// every default left out normalizes to its parsed YAML twin, for every
// built-in scenario, and that a few of them run to byte-identical
// histories.
func TestGoScenarioRunsAsItsYAMLTwin(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	run := map[string]bool{"double-credit": true, "stale-read": true, "transactional-outbox": true}
	for _, s := range all {
		g := stripDefaults(s)
		g.Normalize()
		if g.Expect == nil {
			t.Fatalf("%s: Normalize left Expect nil", s.Name)
		}
		if !reflect.DeepEqual(g, s) {
			t.Errorf("%s: the Go scenario without defaults does not normalize to the parsed one", s.Name)
			continue
		}
		if !run[s.Name] {
			continue
		}
		a, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		b, err := stripDefaults(s).Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(jsonl(t, a), jsonl(t, b)) {
			t.Errorf("%s: the Go scenario's history differs from the YAML one's", s.Name)
		}
	}
}
