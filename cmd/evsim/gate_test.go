package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepGate: --gate passes when every fixed twin meets its
// expectations on every seed and every broken scenario is caught on at
// least one, giving each broken one's share of seeds caught and the
// sweep's time; it fails on a broken scenario never caught, and on a
// fixed twin that misses an expectation.
func TestSweepGate(t *testing.T) {
	code, stdout, stderr := evsim(t, "sweep", "double-credit", "idempotent-consumer", "--seeds", "1..3", "--gate", "--out", "")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	for _, want := range []string{"double-credit: broken, caught on 3 of 3 seeds (100.0%)", "gate passed: 1 fixed twins, 1 broken scenarios, 3 seeds each, in "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	// gap-skip-after-short loses an event on a few seeds of hundreds: none
	// of the first three.
	code, stdout, _ = evsim(t, "sweep", "gap-skip-after-short", "--seeds", "1..3", "--gate", "--out", "")
	if code != exitFailed || !strings.Contains(stdout, "caught on 0 of 3 seeds (0.0%): FAILED: never caught") || !strings.Contains(stdout, "gate FAILED") {
		t.Errorf("a broken scenario never caught: exit %d:\n%s", code, stdout)
	}

	// Without --gate, a sweep fails on every seed that misses an
	// expectation; the gate asks only that a broken scenario is caught.
	code, _, _ = evsim(t, "sweep", "gap-skip-after-short", "--seeds", "1..3", "--out", "")
	if code != exitFailed {
		t.Errorf("a sweep whose runs miss expectations exits %d, want %d", code, exitFailed)
	}

	// A fixed twin (no expectation violated) that misses one fails the gate.
	file := filepath.Join(t.TempDir(), "quiet.yaml")
	if err := os.WriteFile(file, []byte(quiet+"expect:\n  no-loss: unknown\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = evsim(t, "sweep", file, "--seeds", "1..3", "--gate", "--out", "")
	if code != exitFailed || !strings.Contains(stdout, "FAILED: fixed twin quiet met its expectations in 0 of 3 runs") {
		t.Errorf("a fixed twin that misses an expectation: exit %d:\n%s", code, stdout)
	}

	code, _, stderr = evsim(t, "sweep", "double-credit", "--all", "--seeds", "1..2")
	if code != exitUsage || !strings.Contains(stderr, "not both") {
		t.Errorf("--all with a name: exit %d, %s", code, stderr)
	}
}
