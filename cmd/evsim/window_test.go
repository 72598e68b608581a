package main

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCQRSWindow: the run output and the report of challenge-cqrs-window
// state the consistency window its dashboard saw, with three times in
// order (median ≤ 99th percentile ≤ worst, the worst above 0 and below a
// second with a 100ms poll); a run without queries of a read model says
// nothing of a window.
func TestCQRSWindow(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := evsim(t, "run", "challenge-cqrs-window", "double-credit", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr, stdout)
	}
	re := regexp.MustCompile(`Consistency window of read model balances: its (\d+) answered queries saw it behind the write side by (\S+) at the median, (\S+) at the 99th percentile and (\S+) at worst`)
	m := re.FindAllStringSubmatch(stdout, -1)
	if len(m) != 1 {
		t.Fatalf("want one window sentence, got %d:\n%s", len(m), stdout)
	}
	var ds []time.Duration
	for _, s := range m[0][2:] {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ds = append(ds, d)
	}
	if !(ds[0] <= ds[1] && ds[1] <= ds[2] && ds[2] > 0 && ds[2] < time.Second) {
		t.Errorf("median %v, p99 %v, worst %v: want 0 < worst < 1s, in order", ds[0], ds[1], ds[2])
	}
	if m[0][1] == "0" {
		t.Errorf("no query counted: %s", m[0][0])
	}
	b, err := os.ReadFile(filepath.Join(out, "challenge-cqrs-window", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if page := html.UnescapeString(string(b)); !strings.Contains(page, "<h2>Consistency window</h2>") || !strings.Contains(page, m[0][0]) {
		t.Errorf("report.html lacks the window sentence %q", m[0][0])
	}
	b, err = os.ReadFile(filepath.Join(out, "double-credit", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Consistency window") {
		t.Error("double-credit's report states a consistency window: it has no queries")
	}
}
