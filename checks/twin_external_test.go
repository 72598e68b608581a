package checks_test

import (
	"testing"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// twinHistory runs the built-in scenario name at its pinned seed and
// returns a copy of its history, for tests to plant anomalies in.
func twinHistory(t *testing.T, name string) *history.History {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return history.FromEntries(o.History.Entries())
}
