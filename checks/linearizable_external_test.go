package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/checks"
	"github.com/evsim/evsim/model/history"
	"github.com/evsim/evsim/scenarios"
)

func run(t testing.TB, name string) *history.History {
	t.Helper()
	s, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(s.Seed)
	if err != nil {
		t.Fatal(err)
	}
	return o.History
}

// TestLinearizabilityHTML writes porcupine's visualization of the smallest
// rejected prefix for the stale reads of C4, and writes nothing for the
// linearizable write side. Set PORCUPINE_OUT to keep the page.
func TestLinearizabilityHTML(t *testing.T) {
	h := run(t, "stale-read")
	dir := os.Getenv("PORCUPINE_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "stale-read-linearizability.html")
	wrote, err := checks.WriteLinearizabilityHTML(h, true, path)
	if err != nil || !wrote {
		t.Fatalf("wrote %v, err %v", wrote, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<html") || len(b) > 2<<20 {
		t.Errorf("visualization: %d bytes, want a small HTML page", len(b))
	}
	if wrote, err := checks.WriteLinearizabilityHTML(h, false, filepath.Join(dir, "none.html")); wrote || err != nil {
		t.Errorf("the write side is linearizable, yet wrote %v err %v", wrote, err)
	}
}

// bigHistory runs the expected-version scenario scaled up to 1,000
// accounts and 50 sessions for 30s of simulated time: over 100,000
// commands and strong reads.
func bigHistory(b testing.TB) *history.History {
	s, err := scenarios.Builtin("expected-version")
	if err != nil {
		b.Fatal(err)
	}
	big := *s
	big.Duration = 30 * time.Second
	big.ES.Clients = append(big.ES.Clients[:0:0], big.ES.Clients...)
	c := &big.ES.Clients[0]
	c.Keys, c.Sessions, c.Interval, c.Stop = 1000, 50, 4*time.Millisecond, big.Duration
	c.ReadAfterWrite = "strong"
	o, err := big.Run(1)
	if err != nil {
		b.Fatal(err)
	}
	return o.History
}

// BenchmarkLinearizable100k checks a history of over 100,000 operations
// on 1,000 accounts with porcupine, partitioned per account:
//
//	go test ./checks -run '^$' -bench Linearizable100k -benchtime 3x
func BenchmarkLinearizable100k(b *testing.B) {
	h := bigHistory(b)
	ops := 0
	for _, r := range h.Records {
		if r.Kind == history.CommandReturn || r.Kind == history.QueryReturn {
			ops++
		}
	}
	if ops < 100_000 {
		b.Fatalf("history has %d operations, want at least 100,000", ops)
	}
	b.ResetTimer()
	for range b.N {
		if r := checks.Linearizable(h); r.Verdict != checks.Holds {
			b.Fatalf("%s: %s", r.Verdict, r.Explanation)
		}
	}
	b.ReportMetric(float64(ops), "ops")
}
