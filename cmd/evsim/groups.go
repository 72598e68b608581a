package main

import (
	"fmt"
	"io"

	"github.com/evsim/evsim/scenarios"
)

// modeOf names, for each built-in scenario in scenarios.FailureModes, the
// first failure mode it belongs to and its role there.
func modeOf() map[string]string {
	out := map[string]string{}
	for _, m := range scenarios.FailureModes {
		name := m.Failure
		if m.ID != "" {
			name = m.ID + " " + m.Failure
		}
		for _, b := range m.Broken {
			if _, ok := out[b]; !ok {
				out[b] = name
			}
		}
		for _, f := range m.Fixed {
			if _, ok := out[f]; !ok {
				out[f] = name
			}
		}
	}
	return out
}

// groupByMode orders scenarios as the index does: each failure mode's
// broken scenarios, then its fixed twins, in the README's order; the
// others after them, in their order.
func groupByMode(list []*scenarios.Scenario) []*scenarios.Scenario {
	byName := map[string]*scenarios.Scenario{}
	for _, s := range list {
		byName[s.Name] = s
	}
	done := map[string]bool{}
	var out []*scenarios.Scenario
	for _, m := range scenarios.FailureModes {
		for _, n := range append(append([]string{}, m.Broken...), m.Fixed...) {
			if s, ok := byName[n]; ok && !done[n] {
				done[n] = true
				out = append(out, s)
			}
		}
	}
	for _, s := range list {
		if !done[s.Name] {
			out = append(out, s)
		}
	}
	return out
}

// groupHeader prints, before the first scenario of each failure mode, a
// line naming the mode; prev is the previous scenario's mode and the new
// one is returned.
func groupHeader(w io.Writer, s *scenarios.Scenario, modes map[string]string, prev string) string {
	m := modes[s.Name]
	if m == "" {
		m = "other scenarios"
	}
	if m != prev {
		fmt.Fprintf(w, "##### %s\n\n", m)
	}
	return m
}
