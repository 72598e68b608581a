package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/evsim/evsim/scenarios"
)

// load resolves each argument to a scenario: a path to a file (anything
// ending in .yaml or .yml, or containing a slash) or a built-in name. No
// argument means every built-in scenario, grouped by failure mode as the
// index groups them.
func load(args []string) ([]*scenarios.Scenario, error) {
	if len(args) == 0 {
		all, err := scenarios.Builtins()
		return groupByMode(all), err
	}
	var out []*scenarios.Scenario
	var errs []error
	for _, a := range args {
		s, err := loadOne(a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// loadOne resolves one argument of [load].
func loadOne(a string) (*scenarios.Scenario, error) {
	if isFile(a) {
		src, err := os.ReadFile(a)
		if err != nil {
			return nil, fmt.Errorf("read scenario: %w", err)
		}
		s, err := scenarios.Parse(a, src)
		if err != nil {
			return nil, tidy(err)
		}
		return s, nil
	}
	if strings.HasPrefix(a, "-") {
		return nil, fmt.Errorf("%q is not a flag this command knows, nor a scenario file or built-in name (a file whose name starts with a dash: write it as ./%s)", a, a)
	}
	s, err := scenarios.Builtin(a)
	if err != nil {
		all, aerr := scenarios.Builtins()
		if aerr != nil {
			return nil, err
		}
		var names []string
		for _, b := range all {
			names = append(names, b.Name)
		}
		return nil, fmt.Errorf("no built-in scenario %q%s (`evsim list` shows all %d; a file path needs .yaml or a slash)", a, didYouMean(a, names), len(names))
	}
	return s, nil
}

func isFile(a string) bool {
	if strings.HasSuffix(a, ".yaml") || strings.HasSuffix(a, ".yml") || strings.ContainsRune(a, '/') {
		return true
	}
	_, err := os.Stat(a)
	return err == nil
}
