package main

import (
	"strings"
	"testing"
)

// TestLiveRefusesWithExit2: a scenario with knobs that cannot run live
// starts nothing, names every refused knob and exits 2.
func TestLiveRefusesWithExit2(t *testing.T) {
	code, stdout, stderr := evsim(t, "live", "dedup-shared", "--out", t.TempDir())
	if code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitUsage, stdout, stderr)
	}
	for _, want := range []string{"cannot be applied live", "dedup separate-before", "commit interval", "faults[0] pause"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, stderr)
		}
	}
}

// TestLiveHelp: `evsim live --help` prints the flags on stdout and exits 0.
func TestLiveHelp(t *testing.T) {
	code, stdout, _ := evsim(t, "live", "--help")
	if code != exitOK || !strings.Contains(stdout, "--brokers") {
		t.Fatalf("exit %d, stdout:\n%s", code, stdout)
	}
}
