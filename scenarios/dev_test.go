package scenarios

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestDev prints selected records of one scenario run (development aid):
// EVSIM_DEV=name EVSIM_KINDS=pause,expire go test ./scenarios -run TestDev -v
func TestDev(t *testing.T) {
	name := os.Getenv("EVSIM_DEV")
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
	kinds := strings.Split(os.Getenv("EVSIM_KINDS"), ",")
	for _, r := range o.History.Records {
		for _, k := range kinds {
			if string(r.Kind) == k {
				t.Logf("%v %s node=%s g=%s p=%d off=%d ev=%s gen=%d cnt=%d parts=%v att=%d %s", time.Duration(r.At), r.Kind, r.Node, r.Group, r.Partition, r.Offset, r.Event, r.Generation, r.Count, r.Partitions, r.Attempt, r.Point)
			}
		}
	}
	for _, r := range o.Results {
		t.Logf("%s %s: %s", r.Check, r.Verdict, r.Explanation)
	}
}
