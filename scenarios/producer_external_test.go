package scenarios_test

import (
	"os"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// TestLostRequestsDoNotReorder: requests lost on a connection do not
// reorder a producer's sends, as over TCP: a lost request takes the later
// ones on its connection with it, and its timeout fails and retries every
// request in flight there, in order. Only retriable error responses
// (producer-retry-reorder) reorder them.
func TestLostRequestsDoNotReorder(t *testing.T) {
	src, err := os.ReadFile("producer-retry-reorder.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lossy := strings.Replace(string(src), "\n    error-responses: 1/20\n", "\n    request-loss: 1/20\n", 1)
	if lossy == string(src) {
		t.Fatal("producer-retry-reorder has no error-responses: 1/20 knob")
	}
	s, err := scenarios.Parse("producer-retry-reorder.yaml", []byte(lossy))
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		o := run(t, s, seed)
		for _, r := range o.Results {
			if r.Check == "nonmonotonic-send" && r.Verdict != checks.Holds {
				t.Errorf("seed %d: nonmonotonic-send %s with lost requests: %s", seed, r.Verdict, r.Explanation)
			}
		}
		if o.NeverStruck() != nil {
			t.Errorf("seed %d: no request was lost: %v", seed, o.NeverStruck())
		}
	}
}
