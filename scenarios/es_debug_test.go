package scenarios

import (
	"os"
	"testing"
)

func TestDebugRun(t *testing.T) {
	name := os.Getenv("ES_SCENARIO")
	if name == "" {
		t.Skip()
	}
	s, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("events %d records %d drained %v", o.Events, o.History.Len(), o.Drained)
	for _, r := range o.Results {
		t.Logf("%s: %s: %s", r.Check, r.Verdict, r.Explanation)
	}
	t.Logf("failures: %v", o.Failures)
	if os.Getenv("ES_DUMP") != "" {
		f, _ := os.Create(os.Getenv("ES_DUMP"))
		o.History.WriteJSONL(f)
		f.Close()
	}
}
