package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintRefusesUndeclaredPoint: lint builds the scenario and installs
// its faults, so a crash aimed at a point its target never passes is
// refused there, not found later as a crash that never strikes.
func TestLintRefusesUndeclaredPoint(t *testing.T) {
	src := `name: x
duration: 1s
topics:
  - name: t
    partitions: 1
producers:
  - name: p
    topic: t
    rate: 10/s
    keys: 2
    events:
      - type: Deposited
        amount: 1..9
consumers:
  - group: g
    topic: t
    members: 1
    handler: balance
faults:
  - crash: p
    point: after-effect
    probability: 1/2
checks: [no-loss]
`
	f := filepath.Join(t.TempDir(), "x.yaml")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "lint", f)
	want := `crash "p" at after-effect: p is a producer, which never passes after-effect: its crash points are [before-send after-send]`
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr %q, want exit %d and %q", code, stderr, exitUsage, want)
	}
	fixed := strings.Replace(src, "point: after-effect", "point: after-send", 1)
	if err := os.WriteFile(f, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := evsim(t, "lint", f); code != exitOK {
		t.Fatalf("fixed: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
