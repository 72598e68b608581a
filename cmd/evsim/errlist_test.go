package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseErrorsReadable(t *testing.T) {
	dir := t.TempDir()
	tab := filepath.Join(dir, "tab.yaml")
	if err := os.WriteFile(tab, []byte("name: x\nduration: 1s\ntopics:\n\t- name: t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := evsim(t, "lint", tab)
	if code != exitUsage || !strings.Contains(stderr, tab+":4:1:") || !strings.Contains(stderr, "a tab? YAML indents with spaces only") {
		t.Errorf("tab: exit %d, stderr %q", code, stderr)
	}
	var b strings.Builder
	b.WriteString("name: x\nduration: 1s\n")
	for i := range 300 {
		fmt.Fprintf(&b, "bogus%d: 1\n", i%3)
	}
	rep := filepath.Join(dir, "rep.yaml")
	if err := os.WriteFile(rep, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = evsim(t, "lint", rep)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != exitUsage || len(lines) != maxErrors+1 || !strings.HasPrefix(lines[maxErrors], "... and ") {
		t.Fatalf("repeated keys: exit %d, %d lines, last %q", code, len(lines), lines[len(lines)-1])
	}
	prev := 0
	for _, l := range lines[:maxErrors] {
		m := errPos.FindStringSubmatch(strings.TrimPrefix(l, "evsim lint: "))
		if m == nil {
			t.Fatalf("line without a position: %q", l)
		}
		var n int
		fmt.Sscan(m[2], &n)
		if n < prev {
			t.Errorf("errors out of line order: %d after %d", n, prev)
		}
		prev = n
	}
}
