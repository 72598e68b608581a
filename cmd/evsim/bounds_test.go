package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evsim/evsim/scenarios"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"4096", 4096, true}, {"512MiB", 512 << 20, true}, {"4GiB", 4 << 30, true},
		{"2G", 2 << 30, true}, {"1 TiB", 1 << 40, true}, {"16KiB", 16 << 10, true},
		{"", 0, false}, {"-1MiB", 0, false}, {"1.5GiB", 0, false}, {"12X", 0, false}, {"99999999TiB", 0, false},
	} {
		got, err := parseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
	for _, n := range []int64{0, 4 << 30, 256 << 20, 1000} {
		if got, err := parseSize(sizeString(n)); err != nil || got != n {
			t.Errorf("sizeString(%d) = %q reads back as %d, %v", n, sizeString(n), got, err)
		}
	}
}

// TestRunHistoryBoundFlag: `run --max-history` bounds the run's history
// and the failure names the flag; a malformed size is a usage error.
func TestRunHistoryBoundFlag(t *testing.T) {
	var out, errb bytes.Buffer
	if code := cmdRun([]string{"double-credit", "--memory", "12X", "--out", t.TempDir()}, &out, &errb); code != exitUsage ||
		!strings.Contains(errb.String(), "--memory") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	code := cmdRun([]string{"double-credit", "--max-history", "64KiB", "--memory", "0", "--json", "--out", t.TempDir()}, &out, &errb)
	if code == exitOK || !strings.Contains(out.String(), "raise it with --max-history") {
		t.Fatalf("exit %d, stdout %s\nstderr %s", code, out.String(), errb.String())
	}
	// The repro line reruns the run under the same bounds, so it stops
	// where this one stopped.
	if !strings.Contains(out.String(), "--seed 1 --max-history 64KiB") {
		t.Errorf("the repro does not carry --max-history 64KiB: %s", out.String())
	}
	out.Reset()
	code = cmdRun([]string{"double-credit", "--out", t.TempDir()}, &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "--seed 1\n") {
		t.Errorf("exit %d; a run on the default bounds has a repro with flags: %s", code, out.String())
	}
}

// TestCheckSpilling: `evsim check` of a history larger than --memory
// spills it and prints what it prints with the history in memory.
func TestCheckSpilling(t *testing.T) {
	s, err := scenarios.Builtin("double-credit")
	if err != nil {
		t.Fatal(err)
	}
	s.Duration = 20 * time.Second
	for i := range s.System.Producers {
		s.System.Producers[i].Stop = 0
	}
	o, err := s.Run(1)
	if err != nil {
		t.Fatal(err)
	}
	if o.History.Len() < 3*4096 {
		t.Fatalf("%d records: too few to spill", o.History.Len())
	}
	file := filepath.Join(t.TempDir(), "history.jsonl")
	var buf bytes.Buffer
	if err := o.History.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var mem, disk, errb bytes.Buffer
	c1 := cmdCheck([]string{file, "--json", "--memory", "0"}, &mem, &errb)
	c2 := cmdCheck([]string{file, "--json", "--memory", "1", "--spill-dir", t.TempDir()}, &disk, &errb)
	if c1 != c2 || mem.String() != disk.String() || errb.Len() != 0 {
		t.Fatalf("exit %d and %d, stderr %s\nin memory: %s\nspilled: %s", c1, c2, errb.String(), mem.String(), disk.String())
	}
	if c := cmdCheck([]string{file, "--memory", "1", "--spill-dir", filepath.Join(t.TempDir(), "missing")}, &disk, &errb); c != exitUsage ||
		!strings.Contains(errb.String(), "make spill file") {
		t.Fatalf("exit %d, stderr %s", c, errb.String())
	}
}

// TestSwarmExploreBoundFlags: swarm, explore and live take the bound
// flags (live for its simulated run), a
// malformed one is a usage error naming it, their runs are held to the
// bounds, and the repro lines they print carry the bounds that are not
// the defaults, so that the rerun stops where theirs stopped.
func TestSwarmExploreBoundFlags(t *testing.T) {
	out := t.TempDir()
	for _, c := range [][]string{
		{"swarm", "swarm-idempotent-ledger", "--seeds", "1..1", "--max-history", "12X"},
		{"explore", "double-credit", "--runs", "1", "--memory", "12X"},
		{"live", "double-credit", "--compare", "--max-history", "12X"},
	} {
		code, _, stderr := evsim(t, append(c, "--out", out)...)
		if flag := c[len(c)-2]; code != exitUsage || !strings.Contains(stderr, flag) {
			t.Errorf("evsim %q: exit %d, stderr %q; want a usage error naming %s", c, code, stderr, flag)
		}
	}
	// A swarm seed past --max-events fails with the bound's message, and
	// the repro reruns its scenario file under the same bound.
	code, stdout, stderr := evsim(t, "swarm", "swarm-idempotent-ledger", "--seeds", "2..2", "--max-events", "500", "--out", out)
	file := filepath.Join(out, "swarm-idempotent-ledger", "swarm-2.yaml")
	if code != exitFailed || !strings.Contains(stdout, "hit its bound") || !strings.Contains(stdout, "repro: "+progName()+" run "+file+" --max-events 500\n") {
		t.Fatalf("bounded swarm: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := evsim(t, "run", file, "--max-events", "500", "--out", out); code != exitFailed || !strings.Contains(stdout, "hit its bound") {
		t.Fatalf("the swarm's repro: exit %d\n%s", code, stdout)
	}
	// Explore under bounds that are not the defaults finds what it finds
	// on the defaults, and its repro carries them.
	code, stdout, stderr = evsim(t, "explore", "double-credit", "--check", "exactly-once-effects", "--runs", "20",
		"--max-events", "40000000", "--max-history", "1GiB", "--out", out)
	path := filepath.Join(out, "double-credit", "explored.yaml")
	if code != exitFailed || !strings.Contains(stdout, "repro: "+progName()+" run "+path+" --max-events 40000000 --max-history 1GiB\n") {
		t.Fatalf("bounded explore: exit %d\n%s%s", code, stdout, stderr)
	}
	// On the default bounds, the repro adds no flag.
	code, stdout, _ = evsim(t, "explore", "double-credit", "--check", "exactly-once-effects", "--runs", "20", "--out", out)
	if code != exitFailed || !strings.Contains(stdout, "repro: "+progName()+" run "+path+"\n") {
		t.Fatalf("explore on the defaults: exit %d\n%s", code, stdout)
	}
}
