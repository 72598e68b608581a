package checks

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/model/history"
)

// TestCatalogNotApplicable: on a history with nothing to judge (no records
// at all, or only the end of a drained run) every check in the catalog
// says so: unknown, never a vacuous holds nor a violation, with an
// explanation that starts "Not applicable" and gives the reason.
// TestCatalog asks the same of the empty history alone.
func TestCatalogNotApplicable(t *testing.T) {
	empty := []struct {
		what string
		h    *history.History
	}{
		{"empty", &history.History{}},
		{"only the end", history.FromEntries([]history.Entry{{At: 1, Kind: history.End, Drained: true}})},
	}
	for _, name := range Names() {
		c := Catalog[name]
		for _, e := range empty {
			r := c.Run(e.h)
			if r.Check != name {
				t.Errorf("%s on %s history: result names %q", name, e.what, r.Check)
			}
			if r.Verdict != Unknown {
				t.Errorf("%s on %s history: %s, want unknown: %s", name, e.what, r.Verdict, r.Explanation)
				continue
			}
			if !strings.HasPrefix(r.Explanation, "Not applicable") || len(r.Explanation) < len("Not applicable: ")+10 {
				t.Errorf("%s on %s history: explanation %q, want \"Not applicable: \" and why", name, e.what, r.Explanation)
			}
		}
	}
}
