package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckRefusesTimeGoingBack: evsim check refuses a history whose
// records go back in time, naming the line, and by default leaves out the
// opt-in group-reread.
func TestCheckRefusesTimeGoingBack(t *testing.T) {
	dir := t.TempDir()
	back := filepath.Join(dir, "back.jsonl")
	src := "{\"schema\":\"evsim.history/v1\"}\n{\"at\":5,\"kind\":\"crash\",\"node\":\"a\"}\n{\"at\":3,\"kind\":\"restart\",\"node\":\"a\"}\n"
	if err := os.WriteFile(back, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "check", back)
	if code != exitUsage || !strings.Contains(stderr, back+":3:") || !strings.Contains(stderr, "time goes back") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	ok := filepath.Join(dir, "ok.jsonl")
	if err := os.WriteFile(ok, []byte("{\"schema\":\"evsim.history/v1\"}\n{\"at\":5,\"kind\":\"end\",\"drained\":true}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := evsim(t, "check", ok)
	if code != exitOK || strings.Contains(stdout, "group-reread") || !strings.Contains(stdout, "nonmonotonic-send") {
		t.Fatalf("default checks: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestCheckRefusesACheckListedTwice: --checks naming a check twice is
// refused, naming it, rather than judging and printing it twice.
func TestCheckRefusesACheckListedTwice(t *testing.T) {
	ok := filepath.Join(t.TempDir(), "ok.jsonl")
	if err := os.WriteFile(ok, []byte("{\"schema\":\"evsim.history/v1\"}\n{\"at\":5,\"kind\":\"end\",\"drained\":true}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := evsim(t, "check", ok, "--checks", "no-loss, unseen,no-loss")
	if code != exitUsage || !strings.Contains(stderr, `"no-loss" is listed twice`) || stdout != "" {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}
