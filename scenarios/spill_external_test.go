package scenarios_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/scenarios"
)

// TestSpillChangesNothing runs every built-in scenario with its history
// in memory and again spilling every full chunk to disk (a memory budget
// of one byte): the histories' JSON Lines, the checksums and every
// check's verdict, explanation and witness are the same.
func TestSpillChangesNothing(t *testing.T) {
	all, err := scenarios.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mem := scenarios.DefaultBounds
	mem.MemoryBytes = 0
	disk := mem
	disk.MemoryBytes, disk.SpillDir = 1, dir
	spilled := 0
	for _, s := range all {
		a, err := s.RunWithin(s.Seed, mem)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		b, err := s.RunWithin(s.Seed, disk)
		if err != nil {
			t.Fatalf("%s spilled: %v", s.Name, err)
		}
		if b.History.DiskBytes() > 0 {
			spilled++
		}
		if a.Checksum != b.Checksum || a.Events != b.Events {
			t.Errorf("%s: checksum %x, %d events in memory; %x, %d spilled", s.Name, a.Checksum, a.Events, b.Checksum, b.Events)
		}
		if !bytes.Equal(jsonl(t, a), jsonl(t, b)) {
			t.Errorf("%s: the spilled history writes other JSON Lines", s.Name)
		}
		if !reflect.DeepEqual(a.Results, b.Results) || !reflect.DeepEqual(a.Failures, b.Failures) {
			t.Errorf("%s: verdicts differ when spilled:\n%v\n%v", s.Name, a.Results, b.Results)
		}
		if err := b.History.Err(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		a.Release()
		b.Release()
	}
	if spilled < 10 {
		t.Errorf("only %d scenarios spilled their history", spilled)
	}
	t.Logf("%d of %d scenarios spilled", spilled, len(all))
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spill files left behind: %v", left)
	}
}

// TestSpillBoundsMemory runs double-credit for ten thousand hours and
// poison-retry-forever with a drain as long, with no event bound, a
// memory budget of 2 MiB and a history bound of 24 MiB: the history's
// memory stays near its budget while the run goes on, the run stops at
// the history bound (memory and disk together) in the phase it reached,
// and says how to raise the bound.
func TestSpillBoundsMemory(t *testing.T) {
	cases := []struct {
		name  string
		long  func(s *scenarios.Scenario)
		phase string
	}{
		{"double-credit", func(s *scenarios.Scenario) {
			s.Duration = 10_000 * time.Hour
			for i := range s.System.Producers {
				s.System.Producers[i].Stop = 0
			}
		}, "safety phase"},
		{"poison-retry-forever", func(s *scenarios.Scenario) { s.Drain = 10_000 * time.Hour }, "drain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := builtin(t, c.name)
			c.long(s)
			const budget, bound = 2 << 20, 24 << 20
			o, err := s.RunWithin(1, scenarios.Bounds{HistoryBytes: bound, MemoryBytes: budget, SpillDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Release()
			if !o.Bounded {
				t.Fatalf("not bounded: %d records", o.History.Len())
			}
			msg := strings.Join(o.Failures, "\n")
			if !strings.Contains(msg, "hit its bound of 24 MiB of history (") || !strings.Contains(msg, "spilled to disk; raise it with --max-history") ||
				!strings.Contains(msg, "in its "+c.phase) {
				t.Errorf("failures do not name the history bound, how to raise it and the %s:\n%s", c.phase, msg)
			}
			h := o.History
			if size := h.Size(); size < bound || size > bound+chunkBytes {
				t.Errorf("history of %d bytes, bound %d", size, bound)
			}
			// The budget, the chunks being filled, and the cache of chunks read back.
			if mem := h.Bytes(); mem > budget+chunkBytes+4*chunkBytes {
				t.Errorf("history holds %d bytes of memory, budget %d", mem, budget)
			}
			if h.DiskBytes() < bound-budget-2*chunkBytes {
				t.Errorf("%d bytes on disk, want most of the %d", h.DiskBytes(), bound)
			}
		})
	}
}

// TestSpillFolderMissing: a spill folder that cannot be written is a
// run error naming the folder's problem and how to choose another, never
// a panic or a run judged on missing records.
func TestSpillFolderMissing(t *testing.T) {
	s := builtin(t, "double-credit")
	s.Duration = 100 * time.Second
	for i := range s.System.Producers {
		s.System.Producers[i].Stop = 0
	}
	_, err := s.RunWithin(1, scenarios.Bounds{MemoryBytes: 1, SpillDir: t.TempDir() + "/missing"})
	if err == nil || !strings.Contains(err.Error(), "could not spill to disk") || !strings.Contains(err.Error(), "--spill-dir") {
		t.Fatalf("RunWithin = %v, want the spill error", err)
	}
}
