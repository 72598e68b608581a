package checks_test

import (
	"reflect"
	"testing"

	"github.com/evsim/evsim/checks"
)

// TestQueryStalenessIsStalenessWithoutSeries: skipping the series over
// time changes nothing else of the report (queries, worst, finals) on the
// histories of built-in scenarios with read models, queries, rebuilds and
// topic-fed projections; skipping the sample of each query too (what
// bounded-staleness reads) changes neither the worst nor the finals.
func TestQueryStalenessIsStalenessWithoutSeries(t *testing.T) {
	for _, name := range []string{"stale-read", "staleness-slo-breached", "rebuild-in-place", "rebuild-blue-green",
		"rebuild-stop-first", "gap-skipped", "topic-projection-separate-checkpoint", "read-your-writes-token"} {
		h := run(t, name)
		want, got := checks.Staleness(h), checks.QueryStaleness(h)
		if len(want.Series) == 0 || got.Series != nil {
			t.Fatalf("%s: %d series in the full report, %d without", name, len(want.Series), len(got.Series))
		}
		want.Series = nil
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: the reports differ beyond the series", name)
		}
		worst := checks.StalenessWorstOnly(h)
		if worst.Queries != nil || worst.Series != nil {
			t.Errorf("%s: the worst-only report has %d query samples and %d series", name, len(worst.Queries), len(worst.Series))
		}
		worst.Queries = got.Queries
		if !reflect.DeepEqual(worst, got) {
			t.Errorf("%s: the worst-only report differs from the query report beyond the samples", name)
		}
		if name == "stale-read" && len(got.Queries) == 0 {
			t.Errorf("stale-read: no query measured")
		}
	}
}
