package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestParseInterleavedDoubleDashEndsFlags: after --, every argument is
// positional, even one that starts with a dash and comes after another
// positional one; a -- given as a flag's value is that value.
func TestParseInterleavedDoubleDashEndsFlags(t *testing.T) {
	for _, c := range []struct {
		args, pos []string
		out       string
	}{
		{[]string{"--", "a.yaml", "-x.yaml"}, []string{"a.yaml", "-x.yaml"}, ""},
		{[]string{"a.yaml", "--out", "o", "--", "-x.yaml", "--out"}, []string{"a.yaml", "-x.yaml", "--out"}, "o"},
		{[]string{"--out", "--", "a.yaml", "--json"}, []string{"a.yaml"}, "--"},
		{[]string{"a.yaml", "--", "--", "-y"}, []string{"a.yaml", "--", "-y"}, ""},
	} {
		fs := newFlagSet("t", io.Discard)
		out := fs.String("out", "", "")
		fs.Bool("json", false, "")
		pos, err := parseInterleaved(fs, c.args)
		if err != nil || !slices.Equal(pos, c.pos) || *out != c.out {
			t.Errorf("%q: got %q out %q, %v; want %q out %q", c.args, pos, *out, err, c.pos, c.out)
		}
	}
}

// TestLoadFlagLikeArgument: a command that takes no flags (lint) given
// one says it is not a flag it knows, not that no built-in scenario has
// that name; a file whose name starts with a dash is read as one.
func TestLoadFlagLikeArgument(t *testing.T) {
	code, _, stderr := evsim(t, "lint", "--json")
	if code != exitUsage || !strings.Contains(stderr, `"--json" is not a flag this command knows`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	src := "name: x\nduration: 1s\ntopics: [{name: t}]\nchecks: [no-loss]\n"
	if err := os.WriteFile(filepath.Join(dir, "-x"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := evsim(t, "lint", "-x"); code != exitOK || !strings.Contains(stdout, "-x: ok") {
		t.Fatalf("exit %d, %q %q", code, stdout, stderr)
	}
}

// TestLintReportsEveryFile: lint of several files reports the problems of
// each, not only of the first bad one.
func TestLintReportsEveryFile(t *testing.T) {
	dir := t.TempDir()
	bad1, bad2, good := filepath.Join(dir, "bad1.yaml"), filepath.Join(dir, "bad2.yaml"), filepath.Join(dir, "good.yaml")
	for f, src := range map[string]string{
		bad1: "name: x\nduration: 1s\ntopics: [{name: t}]\nchecks: [no-los]\n",
		bad2: "name: y\nduration: never\ntopics: [{name: t}]\nchecks: [no-loss]\n",
		good: "name: z\nduration: 1s\ntopics: [{name: t}]\nchecks: [no-loss]\n",
	} {
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := evsim(t, "lint", bad1, good, bad2, filepath.Join(dir, "missing.yaml"))
	for _, want := range []string{bad1 + ":4:", bad2 + ":2:", "missing.yaml"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code != exitUsage {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}

// TestHelpAfterDoubleDashIsAFile: `evsim run -- --help` runs a file named
// --help (here: says it cannot read it), it does not print the usage.
func TestHelpAfterDoubleDashIsAFile(t *testing.T) {
	code, stdout, stderr := evsim(t, "check", "--", "--help")
	if code != exitUsage || strings.Contains(stdout, "usage") || !strings.Contains(stderr, "--help") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestFlagGivenTwiceIsRefused: a flag given twice, in any spelling, is an
// error naming both, not the last silently winning.
func TestFlagGivenTwiceIsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"run", "double-credit", "--seed=3", "--seed", "4"},
		{"check", "h.jsonl", "-json", "--json=false"},
	} {
		code, _, stderr := evsim(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "is given twice") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestFlagBeforeTheCommand: a flag before the command says where flags go.
func TestFlagBeforeTheCommand(t *testing.T) {
	code, _, stderr := evsim(t, "--seed", "3", "run", "double-credit")
	if code != exitUsage || !strings.Contains(stderr, "flags go after it, as in evsim run --seed 3") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
