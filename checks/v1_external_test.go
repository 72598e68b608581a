package checks_test

import (
	"encoding/json"
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

// TestV1HistoryReadWithinItsMemory: a version 1 history, which the
// reader now upgrades from the spilling history it reads into (keeping
// only the committed event ids aside, not every record), read with a
// small memory budget spills to disk and reads the same records, the
// upgrade's publisher declarations first, as one read whole. The
// history is transactional-outbox's, repeated 60 times one after the
// other to pass a chunk of records.
func TestV1HistoryReadWithinItsMemory(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "v1", "transactional-outbox.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var long strings.Builder
	long.WriteString(lines[0] + "\n")
	var last int64
	for k := range 60 {
		for _, l := range lines[1:] {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatal(err)
			}
			at := int64(rec["at"].(float64)) + int64(k)*(last+1)
			rec["at"] = at
			out, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			long.Write(append(out, '\n'))
			if k == 0 {
				last = max(last, at)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "long-v1.jsonl")
	if err := os.WriteFile(path, []byte(long.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(budget int64) *history.History {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h, err := history.ReadJSONLSpilling(path, f, budget, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	whole, spilled := read(0), read(1)
	defer whole.Close()
	defer spilled.Close()
	if spilled.DiskBytes() == 0 {
		t.Errorf("a v1 history of %d records read with a 1-byte budget spilled nothing", spilled.Len())
	}
	if whole.Len() != spilled.Len() || whole.Len() < 60*(len(lines)-1) {
		t.Fatalf("%d records read whole, %d spilled, from %d lines", whole.Len(), spilled.Len(), 60*(len(lines)-1))
	}
	if whole.At(0).Kind != history.StorePublisher {
		t.Errorf("first record %v, want the upgrade's publisher declaration", whole.At(0))
	}
	for i := range whole.Len() {
		if a, b := whole.At(i), spilled.At(i); a != b {
			t.Fatalf("record %d: %v read whole, %v spilled", i, a, b)
		}
	}
}
