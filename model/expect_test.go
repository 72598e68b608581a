package model

import (
	"bytes"
	"testing"
	"time"

	"github.com/evsim/evsim/sim"
)

// TestExpectChangesNothing runs the benchmark's system, single broker and
// replicated, with and without [System.Expect]: the histories and the
// worlds' checksums are the same, and with Expect no partition log had to
// grow.
func TestExpectChangesNothing(t *testing.T) {
	for _, cfg := range []Config{benchConfig(CommitInterval), replicatedBenchConfig()} {
		const d = 200 * time.Millisecond
		run := func(expect bool) ([]byte, uint64, *System) {
			w, s, h := buildSystem(t, cfg, 3)
			var room []int
			if expect {
				s.Expect(d)
				room = logCaps(s)
			}
			s.Start()
			w.Run(sim.Time(d), 0)
			if expect {
				for i, c := range logCaps(s) {
					if c != room[i] {
						t.Errorf("log %d grew from %d to %d records of room", i, room[i], c)
					}
				}
			}
			var b bytes.Buffer
			if err := h.WriteJSONL(&b); err != nil {
				t.Fatal(err)
			}
			return b.Bytes(), w.Checksum(), s
		}
		h1, c1, _ := run(false)
		h2, c2, s := run(true)
		if !bytes.Equal(h1, h2) || c1 != c2 {
			t.Errorf("replication %d: Expect changed the run (checksum %x, %x)", cfg.Topics[0].ReplicationFactor, c1, c2)
		}
		if logCaps(s)[0] == 0 {
			t.Error("Expect reserved nothing")
		}
	}
}

// logCaps lists the capacity of every partition log of s: the broker's,
// then each replica's.
func logCaps(s *System) []int {
	var cs []int
	for _, tp := range s.Broker.topics {
		if tp.repl == nil {
			for _, pl := range tp.partitions {
				cs = append(cs, cap(pl.records))
			}
		}
	}
	if c := s.Broker.cluster; c != nil {
		for _, r := range c.brokers {
			for _, l := range r.logs {
				if l != nil {
					cs = append(cs, cap(l.records))
				}
			}
		}
	}
	return cs
}
