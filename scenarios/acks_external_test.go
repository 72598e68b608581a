package scenarios_test

import (
	"strings"
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/scenarios"
)

// TestAcksZeroLossIsALostWrite: an acks=0 send succeeds as soon as it is
// sent, with no offset, as Kafka's does; a request lost on the way is
// then an acknowledged write nobody applies, and no-loss says so. With
// acks=all the producer retries the lost requests and no-loss holds.
func TestAcksZeroLossIsALostWrite(t *testing.T) {
	src := `name: acks-zero
duration: 3s
drain: 5s
topics:
  - name: account-events
producers:
  - name: teller
    topic: account-events
    rate: 50/s
    acks: ACKS
    retries: 5
    request-loss: 1/10
    events:
      - type: Deposited
consumers:
  - group: ledger
    topic: account-events
    handler: balance
checks: [no-loss]
expect:
  no-loss: unknown
`
	verdict := func(acks string) checks.Result {
		s, err := scenarios.Parse("acks-zero.yaml", []byte(strings.Replace(src, "ACKS", acks, 1)))
		if err != nil {
			t.Fatal(err)
		}
		return run(t, s, 1).Results[0]
	}
	if r := verdict(`"0"`); r.Verdict != checks.Violated || !strings.Contains(r.Explanation, "acks=0") {
		t.Errorf("acks 0: no-loss %s: %s; want violated, told as an acks=0 send", r.Verdict, r.Explanation)
	}
	if r := verdict("all"); r.Verdict != checks.Holds {
		t.Errorf("acks all: no-loss %s: %s; want holds", r.Verdict, r.Explanation)
	}
}
