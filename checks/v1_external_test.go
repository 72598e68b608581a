package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestV1HistoriesStillRead: histories written in the evsim.history/v1 form
// (testdata/v1, each from a run of the built-in scenario it is named
// after that met its expectations) are still read, every check in the
// catalog judges them with a verdict and an explanation, and every check
// the scenario expects to hold still holds.
func TestV1HistoriesStillRead(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "v1", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d v1 histories in testdata/v1, want at least 6", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			h, err := history.ReadJSONL(path, f)
			if err != nil {
				t.Fatalf("a v1 history is no longer read: %v", err)
			}
			if h.Len() == 0 {
				t.Fatal("read no records")
			}
			got := map[string]checks.Result{}
			for _, n := range checks.Names() {
				r := judge(t, n, h)
				if r.Verdict != checks.Holds && r.Verdict != checks.Violated && r.Verdict != checks.Unknown {
					t.Errorf("%s: verdict %q", n, r.Verdict)
				}
				if r.Explanation == "" {
					t.Errorf("%s: %s with no explanation", n, r.Verdict)
				}
				got[n] = r
			}
			s, err := scenarios.Builtin(name)
			if err != nil {
				t.Fatalf("the history is named after a built-in scenario: %v", err)
			}
			for _, c := range s.Checks {
				if want, ok := s.Expect[c]; ok && want != checks.Holds {
					continue
				}
				if r := got[c]; r.Verdict != checks.Holds {
					t.Errorf("%s: %s expects it to hold and it held when the history was written; now %s: %s", c, name, r.Verdict, r.Explanation)
				}
			}
		})
	}
}

// judge runs the check named n on h, turning a panic into a test error.
func judge(t *testing.T, n string, h *history.History) (r checks.Result) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", n, p)
		}
	}()
	c, err := checks.Lookup(n)
	if err != nil {
		t.Fatal(err)
	}
	return c.Run(h)
}
