package scenarios_test

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

// TestBoundsHoldInEveryPhase runs scenarios that never converge with a
// drain of ten thousand hours, and one with a safety phase as long: each
// stops at its bound, says which bound and which phase, and keeps the
// history within it.
func TestBoundsHoldInEveryPhase(t *testing.T) {
	b := scenarios.Bounds{Events: 300_000, HistoryBytes: 16 << 20}
	cases := []struct {
		name  string
		long  func(s *scenarios.Scenario)
		phase string
	}{
		{"poison-retry-forever", func(s *scenarios.Scenario) { s.Drain = 10_000 * time.Hour }, "drain"},
		{"gap-wait-forever", func(s *scenarios.Scenario) { s.Drain = 10_000 * time.Hour }, "drain"},
		{"double-credit", func(s *scenarios.Scenario) { s.Duration = 10_000 * time.Hour }, "safety phase"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := builtin(t, c.name)
			c.long(s)
			o, err := s.RunWithin(1, b)
			if err != nil {
				t.Fatal(err)
			}
			if !o.Bounded {
				t.Fatalf("not bounded: ran %d events to %d records", o.Events, o.History.Len())
			}
			msg := strings.Join(o.Failures, "\n")
			if !strings.Contains(msg, "in its "+c.phase) || !strings.Contains(msg, "hit its bound") {
				t.Errorf("failures do not name the bound and the %s:\n%s", c.phase, msg)
			}
			if o.Events > b.Events+8192 {
				t.Errorf("ran %d events, bound %d", o.Events, b.Events)
			}
			size := int64(o.History.Len()) * recordSize
			if size > b.HistoryBytes+8192*recordSize {
				t.Errorf("history holds %d bytes, bound %d", size, b.HistoryBytes)
			}
		})
	}
}

// recordSize is the memory one history record takes.
var recordSize = int64(unsafe.Sizeof(history.Entry{}))
