package scenarios_test

import (
	"errors"
	"strings"
	"testing"
	"time"

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
			if size := o.History.Bytes(); size > b.HistoryBytes+chunkBytes {
				t.Errorf("history holds %d bytes, bound %d", size, b.HistoryBytes)
			}
		})
	}
}

// chunkBytes is the most a history grows by at once: a chunk of records
// and one of side rows.
const chunkBytes = 4096 * (96 + 128)

// TestHistoryBoundCountsBytes runs a scenario with no event bound and a
// history bound of 2 MiB: the run stops at the history's real compact
// size, says so, and holds no more than a chunk past it.
func TestHistoryBoundCountsBytes(t *testing.T) {
	const bound = 2 << 20
	s := builtin(t, "double-credit")
	s.Duration = 10_000 * time.Hour
	for i := range s.System.Producers {
		s.System.Producers[i].Stop = 0 // publish for the whole duration
	}
	o, err := s.RunWithin(1, scenarios.Bounds{HistoryBytes: bound})
	if err != nil {
		t.Fatal(err)
	}
	if !o.Bounded {
		t.Fatalf("not bounded: ran %d events to %d records", o.Events, o.History.Len())
	}
	msg := strings.Join(o.Failures, "\n")
	if !strings.Contains(msg, "hit its bound of 2 MiB of history (") || !strings.Contains(msg, "in its safety phase") {
		t.Errorf("failures do not name the history bound and the phase:\n%s", msg)
	}
	if size := o.History.Bytes(); size < bound || size > bound+chunkBytes {
		t.Errorf("history holds %d bytes, want the bound %d up to a chunk past it", size, bound)
	}
	if o.History.Len() < bound/256 {
		t.Errorf("%d records in %d bytes: the bound counts more than the compact records", o.History.Len(), o.History.Bytes())
	}
}

// TestRunStoppableStopsInEveryPhase: a stop function that says true
// after a few looks ends a run of ten thousand hours, in its safety phase
// or in a drain as long, with ErrStopped and no outcome; one that never
// says true leaves the outcome RunWithin gives, checksum for checksum.
func TestRunStoppableStopsInEveryPhase(t *testing.T) {
	for _, c := range []struct {
		name string
		long func(s *scenarios.Scenario)
	}{
		{"double-credit", func(s *scenarios.Scenario) { s.Duration = 10_000 * time.Hour }},
		{"poison-retry-forever", func(s *scenarios.Scenario) { s.Drain = 10_000 * time.Hour }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := builtin(t, c.name)
			c.long(s)
			looks := 0
			o, err := s.RunStoppable(1, scenarios.DefaultBounds, func() bool { looks++; return looks > 50 })
			if !errors.Is(err, scenarios.ErrStopped) || o != nil {
				t.Fatalf("got outcome %v, error %v; want none and ErrStopped", o != nil, err)
			}
			if looks != 51 {
				t.Errorf("stop was asked %d times after it said true; want once", looks-51)
			}
		})
	}
	s := builtin(t, "double-credit")
	want, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.RunStoppable(1, scenarios.DefaultBounds, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	if got.Checksum != want.Checksum || got.History.Len() != want.History.Len() {
		t.Errorf("a stop that never stops changed the run: checksum %x, %d records; want %x, %d",
			got.Checksum, got.History.Len(), want.Checksum, want.History.Len())
	}
}
