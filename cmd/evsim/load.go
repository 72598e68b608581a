package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/evsim/evsim/scenarios"
)

// load resolves each argument to a scenario: a path to a file (anything
// ending in .yaml or .yml, or containing a slash) or a built-in name. No
// argument means every built-in scenario.
func load(args []string) ([]*scenarios.Scenario, error) {
	if len(args) == 0 {
		return scenarios.Builtins()
	}
	var out []*scenarios.Scenario
	for _, a := range args {
		if isFile(a) {
			src, err := os.ReadFile(a)
			if err != nil {
				return nil, fmt.Errorf("read scenario: %w", err)
			}
			s, err := scenarios.Parse(a, src)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			continue
		}
		s, err := scenarios.Builtin(a)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func isFile(a string) bool {
	if strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml") || strings.ContainsRune(a, '/') {
		return true
	}
	_, err := os.Stat(a)
	return err == nil
}
