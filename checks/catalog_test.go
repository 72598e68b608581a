package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestCatalog: every check in the catalog is named by its key and
// documented, and on a history with nothing to judge (no records at all,
// or only the end of a drained run) it says so: unknown, never a vacuous
// holds nor a violation, with an explanation that starts "Not applicable"
// and gives the reason.
func TestCatalog(t *testing.T) {
	names := Names()
	if len(names) != len(Catalog) || !slices.IsSorted(names) || !slices.Contains(names, "exactly-once-effects") || !slices.Contains(names, "no-loss") {
		t.Fatalf("Names() = %v", names)
	}
	if _, err := Lookup("no-such-check"); err == nil {
		t.Fatal("Lookup of an unknown check gave no error")
	}
	for _, s := range []string{"holds", "violated", "unknown"} {
		if v, err := ParseVerdict(s); err != nil || string(v) != s {
			t.Errorf("ParseVerdict(%q) = %v, %v", s, v, err)
		}
	}
	if _, err := ParseVerdict("fine"); err == nil {
		t.Error("ParseVerdict(fine) gave no error")
	}
	empty := []struct {
		what string
		h    *history.History
	}{
		{"empty", &history.History{}},
		{"only the end", &history.History{Records: []history.Record{{At: 1, Kind: history.End, Drained: true}}}},
	}
	for _, name := range names {
		c, err := Lookup(name)
		if err != nil || c.Name != name || c.Doc == "" || c.Run == nil {
			t.Errorf("Lookup(%q) = %+v, %v", name, c, err)
			continue
		}
		for _, e := range empty {
			what, r := e.what, c.Run(e.h)
			if r.Check != name {
				t.Errorf("%s on %s history: result names %q", name, what, r.Check)
			}
			if r.Verdict != Unknown {
				t.Errorf("%s on %s history: %s, want unknown: %s", name, what, r.Verdict, r.Explanation)
				continue
			}
			if !strings.HasPrefix(r.Explanation, "Not applicable") || len(r.Explanation) < len("Not applicable: ")+10 {
				t.Errorf("%s on %s history: explanation %q, want \"Not applicable: \" and why", name, what, r.Explanation)
			}
		}
	}
}
