package scenarios_test

import (
	"os"
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// TestLostRequestsReorderUnlessIdempotent: requests lost on a
// connection reorder a producer's sends as Kafka's Java client does: a
// lost request takes the later ones on its connection with it, its
// timeout fails every request in flight there, and without idempotence
// each goes back to the front of its partition's queue, so those of a
// partition are sent again newest first and land in reverse. With
// idempotence they go back in sequence order and the broker refuses a
// record whose predecessor has not landed: the partition keeps the
// publish order.
func TestLostRequestsReorderUnlessIdempotent(t *testing.T) {
	src, err := os.ReadFile("producer-retry-reorder.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lossy := strings.Replace(string(src), "\n    error-responses: 1/20\n", "\n    request-loss: 1/20\n", 1)
	if lossy == string(src) {
		t.Fatal("producer-retry-reorder has no error-responses: 1/20 knob")
	}
	idem := strings.Replace(lossy, "\n    idempotent: false\n", "\n    idempotent: true\n", 1)
	if idem == lossy {
		t.Fatal("producer-retry-reorder has no idempotent: false")
	}
	for _, c := range []struct {
		src  string
		want checks.Verdict
	}{{lossy, checks.Violated}, {idem, checks.Holds}} {
		s, err := scenarios.Parse("producer-retry-reorder.yaml", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		for seed := uint64(1); seed <= 3; seed++ {
			o := run(t, s, seed)
			for _, r := range o.Results {
				if r.Check == "nonmonotonic-send" && r.Verdict != c.want {
					t.Errorf("seed %d, idempotent %v: nonmonotonic-send %s with lost requests, want %s: %s",
						seed, c.src == idem, r.Verdict, c.want, r.Explanation)
				}
			}
			if o.NeverStruck() != nil {
				t.Errorf("seed %d: no request was lost: %v", seed, o.NeverStruck())
			}
		}
	}
}
