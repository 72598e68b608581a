package model_test

import (
	"testing"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestIdempotentProducerCarriesOnAfterLosingAcknowledgedRecords: the
// broken twins of clean-leader-election and min-isr-two, their teller
// made idempotent. The leader elected without the acknowledged tail
// answers the teller's next batch OUT_OF_ORDER_SEQUENCE_NUMBER with no
// earlier batch in flight; the teller bumps its epoch and carries on,
// as Kafka's does (KIP-360), so the run drains, its later records are
// acknowledged under the new epoch, and no-loss shows the loss.
func TestIdempotentProducerCarriesOnAfterLosingAcknowledgedRecords(t *testing.T) {
	for _, name := range []string{"unclean-leader-election", "min-isr-one"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		s.System.Producers[0].Idempotent = true
		o, err := s.Run(s.Seed)
		if err != nil {
			t.Fatal(err)
		}
		bumped := 0
		for _, r := range o.History.All() {
			if r.Kind == history.PublishAck && r.Epoch > 0 {
				bumped++
			}
		}
		verdict := checks.Verdict("")
		for _, r := range o.Results {
			if r.Check == "no-loss" {
				verdict = r.Verdict
			}
		}
		o.Release()
		if !o.Drained {
			t.Errorf("%s: the run did not drain: the idempotent teller is stuck", name)
		}
		if bumped == 0 {
			t.Errorf("%s: nothing acknowledged under a bumped epoch", name)
		}
		if verdict != checks.Violated {
			t.Errorf("%s: no-loss %q, want violated", name, verdict)
		}
	}
}
