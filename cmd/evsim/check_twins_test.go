package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// TestCheckDefaultsHoldOnFixedTwins: `evsim check` with the default checks
// exits 0, no check violated, on the history of every fixed twin: every
// built-in scenario none of whose expectations is violated, run at its
// pinned seed. A check that fails there judges something the scenario
// does right as wrong.
func TestCheckDefaultsHoldOnFixedTwins(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	twins := 0
	for _, s := range all {
		if isBroken(s) {
			continue
		}
		twins++
		t.Run(s.Name, func(t *testing.T) {
			o, err := s.Run(s.Seed)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, s.Name+".jsonl")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := o.History.WriteJSONL(f); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := evsim(t, "check", path, "--json")
			var got struct {
				Results []checks.Result `json:"results"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("exit %d, not JSON: %v\n%s%s", code, err, stdout, stderr)
			}
			for _, r := range got.Results {
				if r.Verdict == checks.Violated {
					t.Errorf("%s violated: %s", r.Check, r.Explanation)
				}
			}
			if code != exitOK {
				t.Errorf("evsim check exits %d, want 0", code)
			}
		})
	}
	if twins < 30 {
		t.Fatalf("found %d fixed twins among the built-in scenarios, want at least 30", twins)
	}
}

// isBroken reports whether s expects a check to be violated: a broken
// scenario, not a fixed twin.
func isBroken(s *scenarios.Scenario) bool {
	for _, v := range s.Expect {
		if v == checks.Violated {
			return true
		}
	}
	return false
}
