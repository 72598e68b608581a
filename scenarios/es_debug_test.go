package scenarios

import (
	"os"
	"strconv"
	"testing"
	"time"
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
	seed := s.Seed
	if v := os.Getenv("ES_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
		s.Duration = 2 * time.Second
		s.Faults.Until = s.Duration
		for i := range s.ES.Clients {
			s.ES.Clients[i].Stop = s.Duration
		}
		for i := range s.ES.Queries {
			s.ES.Queries[i].Stop = s.Duration
		}
	}
	o, err := s.Run(seed)
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
