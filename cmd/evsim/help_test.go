package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagsCommands are the commands that take flags.
var flagsCommands = []string{"run", "sweep", "merge", "explore", "swarm", "check", "live"}

// helpFlags returns the flags `evsim cmd --help` lists and, per flag, the
// word it names its value by ("" for a boolean).
func helpFlags(t *testing.T, cmd string) map[string]string {
	t.Helper()
	code, stdout, _ := evsim(t, cmd, "--help")
	if code != exitOK {
		t.Fatalf("%s --help: exit %d", cmd, code)
	}
	flags := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)(.*)$`).FindAllStringSubmatch(stdout, -1) {
		flags[m[1]] = strings.TrimSpace(m[2])
	}
	if len(flags) == 0 {
		t.Fatalf("%s --help lists no flag:\n%s", cmd, stdout)
	}
	return flags
}

func TestHelpNamesEachFlagsValueByItsType(t *testing.T) {
	types := []string{"", "string", "int", "uint", "duration", "float"}
	for _, cmd := range flagsCommands {
		for name, value := range helpFlags(t, cmd) {
			if !slices.Contains(types, value) && !regexp.MustCompile(`^[A-Z/a-z]+$`).MatchString(value) {
				t.Errorf("evsim %s --help shows -%s %s: the value's name should be its type (a backquoted word in the usage text becomes it)", cmd, name, value)
			}
		}
	}
}

// readmeCommands returns, per command, the lines of README.md's command
// synopses (the code blocks' lines from `evsim CMD` to the next `evsim`
// line or the block's end).
func readmeCommands(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	in, cur := false, ""
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			in, cur = !in, ""
			continue
		}
		if !in {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "evsim "); ok {
			cur = strings.Fields(rest)[0]
			if !slices.Contains(flagsCommands, cur) || !strings.Contains(line, "[") {
				cur = "" // an example, not a synopsis
			}
		} else if !strings.HasPrefix(line, " ") {
			cur = ""
		}
		if cur != "" {
			out[cur] += line + "\n"
		}
	}
	return out
}

func TestREADMEDocumentsEveryFlag(t *testing.T) {
	docs := readmeCommands(t)
	for _, cmd := range flagsCommands {
		doc, ok := docs[cmd]
		if !ok {
			t.Errorf("README.md has no synopsis of evsim %s", cmd)
			continue
		}
		for name := range helpFlags(t, cmd) {
			if !regexp.MustCompile(`--` + name + `\b`).MatchString(doc) {
				t.Errorf("README.md's synopsis of evsim %s does not name --%s:\n%s", cmd, name, doc)
			}
		}
		for _, m := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(doc, -1) {
			if _, ok := helpFlags(t, cmd)[m[1]]; !ok {
				t.Errorf("README.md's synopsis of evsim %s names --%s, which it does not take", cmd, m[1])
			}
		}
	}
}
