package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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

// TestLiveWritesHistoryAndVerdicts: a live run on the embedded cluster
// prints live and simulated verdicts and writes a history that `evsim
// check` reads and a verdicts.json that says live.
func TestLiveWritesHistoryAndVerdicts(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "live", "commit-before-handle", "--out", out, "--timeout", "30s")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "no-loss               violated 1/1  violated") {
		t.Errorf("the table does not show no-loss violated live and simulated:\n%s", stdout)
	}
	dir := filepath.Join(out, "commit-before-handle-live")
	b, err := os.ReadFile(filepath.Join(dir, "verdicts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l liveLine
	if err := json.Unmarshal(b, &l); err != nil || !strings.HasPrefix(l.Source, "live:") || l.Checks["no-loss"] != "violated" {
		t.Errorf("verdicts.json: %v %+v", err, l)
	}
	code, stdout, stderr = evsim(t, "check", filepath.Join(dir, "history.jsonl"), "--checks", "no-loss")
	if code != exitFailed || !strings.Contains(stdout, "violated") {
		t.Errorf("evsim check on the live history: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestLiveCompare: --compare prints the simulated and live verdicts side
// by side, marks each check same or DIFFERS, sums up, and exits 1 exactly
// when some check differs.
func TestLiveCompare(t *testing.T) {
	code, stdout, stderr := evsim(t, "live", "--compare", "commit-before-handle", "--out", t.TempDir(), "--timeout", "30s")
	for _, want := range []string{"== commit-before-handle (compare)", "check", "simulated", "live", "expected", "same?", "no-loss", "compare: 1 scenarios, 1 live runs each:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not say %q:\n%s%s", want, stdout, stderr)
		}
	}
	differs := strings.Contains(stdout, "DIFFERS")
	if differs != (code == exitFailed) || !differs && code != exitOK {
		t.Errorf("exit %d with DIFFERS=%v in:\n%s", code, differs, stdout)
	}
	if differs {
		t.Logf("a check differed live:\n%s", stdout)
	}
}

// TestLiveCompareRefusesLikeLive: --compare refuses what live refuses,
// with exit 2, before anything runs.
func TestLiveCompareRefusesLikeLive(t *testing.T) {
	code, _, stderr := evsim(t, "live", "--compare", "dedup-shared", "--out", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "cannot be applied live") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestLiveRerunLeavesNoRunOfAnEarlierOne(t *testing.T) {
	out := t.TempDir()
	dir := filepath.Join(out, "idempotent-consumer-live")
	list := func() string {
		var names []string
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, path)
				names = append(names, rel)
			}
			return nil
		})
		return strings.Join(names, " ")
	}
	if code, stdout, stderr := evsim(t, "live", "idempotent-consumer", "--runs", "2", "--out", out, "--timeout", "30s"); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if got, want := list(), "run-1/history.jsonl run-1/verdicts.json run-2/history.jsonl run-2/verdicts.json"; got != want {
		t.Fatalf("after --runs 2: %s, want %s", got, want)
	}
	if code, stdout, stderr := evsim(t, "live", "idempotent-consumer", "--out", out, "--timeout", "30s"); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if got, want := list(), "history.jsonl verdicts.json"; got != want {
		t.Errorf("after a single run: %s, want only its files: %s", got, want)
	}
}

func TestLiveRefusesAnEmptyBrokerAddress(t *testing.T) {
	for _, b := range []string{",", "localhost:9092,", " "} {
		code, _, stderr := evsim(t, "live", "double-credit", "--brokers", b, "--timeout", "2s", "--out", t.TempDir())
		if code != exitUsage || !strings.Contains(stderr, "--brokers") {
			t.Errorf("--brokers %q: exit %d, stderr %q; want 2 naming the flag", b, code, stderr)
		}
	}
}
