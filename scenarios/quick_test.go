package scenarios

import (
	"testing"
)

func TestQuickRun(t *testing.T) {
	all, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		o, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: events=%d drained=%v records=%d failures=%v", s.Name, o.Events, o.Drained, o.History.Len(), o.Failures)
		for _, r := range o.Results {
			t.Logf("  %s %s: %s", r.Check, r.Verdict, r.Explanation)
		}
	}
}
